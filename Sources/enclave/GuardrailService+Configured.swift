// Enclave CLI: the guardrails `enclave serve` enforces.

import EnclaveCore
import EnclaveGateway
import EnclaveGuard

extension GuardrailService {
    /// The policies of `configuration.guardrails` with every detector, checked: an unknown detector, base
    /// or default policy, or a declared assistant naming a policy that does not exist, stops the start.
    static func configured(_ configuration: EnclaveConfiguration) throws -> GuardrailService {
        let book: GuardPolicyBook
        do {
            book = try GuardPolicyBook(settings: configuration.guardrails)
        } catch {
            throw CommandFailure("guardrails: \(error.message)")
        }
        for declared in configuration.assistants {
            guard let name = declared.assistant.guardrailPolicy else { continue }
            guard book.policies[name] != nil else {
                throw CommandFailure(
                    "assistant '\(declared.assistant.id)': no guardrail policy is called '\(name)' "
                        + "(known: \(book.policies.keys.sorted().joined(separator: ", ")))"
                )
            }
        }
        return GuardrailService(book: book, scanner: GuardScanner())
    }
}
