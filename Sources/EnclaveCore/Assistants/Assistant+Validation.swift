// Enclave: the rules an assistant's fields keep.

import Foundation

extension Assistant {
    /// The longest id, name or description.
    public static let maximumIDLength = 64

    /// Checks the fields that need no outside knowledge: the id is a slug (lowercase letters, digits, `-`,
    /// `_`, `.`, starting with a letter or digit), the name is set, sampling and retrieval values are in range.
    /// - Throws: ``AssistantStoreError/invalid(_:_:)`` naming the field.
    public func validate() throws(AssistantStoreError) {
        guard Self.isSlug(id) else {
            throw .invalid("id", "must be 1 to \(Self.maximumIDLength) lowercase letters, digits, '-', '_' or '.', starting with a letter or digit")
        }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalid("name", "must not be empty") }
        guard !model.isEmpty else { throw .invalid("model", "must not be empty") }
        if let temperature = sampling.temperature, !(0...2).contains(temperature) { throw .invalid("temperature", "must be between 0 and 2") }
        if let topP = sampling.topP, !(0...1).contains(topP) || topP == 0 { throw .invalid("top_p", "must be greater than 0 and at most 1") }
        if let maxTokens = sampling.maxTokens, maxTokens < 1 { throw .invalid("max_tokens", "must be at least 1") }
        guard (1...50).contains(retrieval.settings.topK) else { throw .invalid("retrieval.top_k", "must be between 1 and 50") }
        guard (-1...1).contains(retrieval.settings.minRelevance) else { throw .invalid("retrieval.min_relevance", "must be between -1 and 1") }
        if let budget = retrieval.contextTokens, budget < 16 { throw .invalid("retrieval.context_tokens", "must be at least 16") }
    }

    /// Whether `text` is a valid assistant id.
    public static func isSlug(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.count <= maximumIDLength else { return false }
        let allowed = { (scalar: Unicode.Scalar) in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_" || scalar == "."
        }
        return (("a"..."z").contains(first) || ("0"..."9").contains(first)) && text.unicodeScalars.allSatisfy(allowed)
    }
}
