// Enclave server: the JSON encoder of response bodies.

import EnclaveOpenAI
import Foundation

extension JSONEncoder {
    /// The encoder of API responses (OpenAI's settings: slashes unescaped).
    static func api() -> JSONEncoder { .openAI() }
}
