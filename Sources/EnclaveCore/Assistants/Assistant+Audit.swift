// Enclave: assistants in the audit log.

import Crypto
import Foundation

extension AuditAction {
    /// An assistant was created.
    public static let assistantCreate = AuditAction(rawValue: "assistant.create")
    /// An assistant was changed.
    public static let assistantUpdate = AuditAction(rawValue: "assistant.update")
    /// An assistant was deleted.
    public static let assistantDelete = AuditAction(rawValue: "assistant.delete")
}

extension Assistant {
    /// The SHA-256 of the system prompt, in lowercase hex: what logs keep instead of its text.
    public var systemPromptDigest: String {
        SHA256.hash(data: Data(systemPrompt.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The assistant as the audit log records it. The system prompt is configuration, not user content,
    /// but it can be long and may describe internal matters, so the log keeps its SHA-256 and its length
    /// (enough to tell that and when it changed), not its text.
    public var auditJSON: AuditJSON {
        .object([
            "id": .string(id),
            "name": .string(name),
            "model": .string(model),
            "system_prompt_sha256": .string(systemPromptDigest),
            "system_prompt_length": .integer(Int64(systemPrompt.count)),
            "collections": .strings(collections),
            "teams": .strings(teamIDs),
            "top_k": .integer(Int64(retrieval.settings.topK)),
            "min_relevance": .string(String(retrieval.settings.minRelevance)),
            "mode": .string(retrieval.settings.mode.rawValue),
            "guardrail_policy": .nullable(guardrailPolicy),
            "store_conversations": .bool(storeConversations),
            "disabled": .bool(isDisabled),
            "managed_by": .nullable(managedBy),
        ])
    }
}
