// Enclave server: a guardrail's refusal in OpenAI's shape.

import EnclaveGuard
import EnclaveOpenAI

extension OpenAIError {
    /// A request refused by a guardrail rule: 400 `content_policy_violation`, with a message naming the
    /// policy and the detector and never the matched text.
    /// - Parameter promptParameter: What an input refusal blames (`messages` on chat, `prompt` on completions).
    static func from(_ violation: GuardViolation, promptParameter: String = "messages") -> OpenAIError {
        OpenAIError(
            status: 400,
            message: violation.message.prefix(1).uppercased() + violation.message.dropFirst() + ".",
            type: "invalid_request_error",
            param: violation.direction == .input ? promptParameter : nil,
            code: "content_policy_violation"
        )
    }
}
