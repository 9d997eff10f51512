// Enclave guardrails tests: helpers to read findings back as text.

import EnclaveGuard

extension SensitiveTextScanning {
    /// The matched texts of `entity` in `text`.
    func matches(_ entity: GuardEntity, in text: String) -> [String] {
        let bytes = Array(text.utf8)
        return findings(in: text, entities: [entity]).map { String(decoding: bytes[$0.range], as: UTF8.self) }
    }

    /// The kinds of the secrets found in `text`.
    func secretKinds(in text: String) -> [String] {
        findings(in: text, entities: [.secret]).compactMap(\.kind)
    }
}
