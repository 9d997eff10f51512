// Enclave knowledge: the check a document's text passes before it is chunked.

/// Checks a document's text before it is chunked and embedded (the guardrails' `documents` action): it
/// returns each block's text, possibly with secrets masked, or refuses the whole document.
///
/// ```swift
/// let ingestor = KnowledgeIngestor(store: store, embedders: embedders, screen: screen, logger: logger)
/// ```
public protocol DocumentScreen: Sendable {
    /// The texts to keep, one per text given, in order.
    /// - Throws: ``DocumentRefusal`` when the document must not be stored; its reason names the
    ///   detector, never the text.
    func screen(_ texts: [String]) throws(DocumentRefusal) -> [String]
}

/// A document refused by a ``DocumentScreen``: its status becomes `failed` with ``reason``.
public struct DocumentRefusal: Error, Sendable, Hashable {
    /// Why, without any of the document's text.
    public var reason: String

    /// Creates a refusal.
    public init(reason: String) {
        self.reason = reason
    }
}
