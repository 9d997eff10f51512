// Enclave gateway: a retrieved passage as a numbered source of an assistant's prompt.

public import EnclaveCore

/// A passage numbered for the prompt (`[1]`, `[2]`, …), with its collection's name.
public struct NumberedSource: Sendable, Hashable {
    /// The number the answer cites it by, from 1.
    public var index: Int
    /// The passage.
    public var passage: RetrievedPassage
    /// The name of the passage's collection.
    public var collection: String
    /// The passage's text as the prompt carries it (cut to the token budget if it had to be).
    public var text: String

    /// Creates a numbered source.
    public init(index: Int, passage: RetrievedPassage, collection: String, text: String? = nil) {
        self.index = index
        self.passage = passage
        self.collection = collection
        self.text = text ?? passage.record.chunk.text
    }

    /// Where the passage is: the document, then its page or its headings (`handbook.pdf, page 3`).
    public var location: String {
        let chunk = passage.record.chunk
        var parts = [passage.record.document.name]
        if let page = chunk.page { parts.append("page \(page)") }
        if !chunk.headingPath.isEmpty { parts.append(chunk.headingPath.joined(separator: " > ")) }
        return parts.joined(separator: ", ")
    }

    /// The source as the prompt lists it: `[n] (location) text`.
    public var promptLine: String {
        "[\(index)] (\(location)) \(text)"
    }

    /// The source as a citation of the response.
    public func citation(attributed: Bool) -> Citation {
        Citation(
            index: index,
            documentID: passage.record.document.id,
            documentName: passage.record.document.name,
            collection: collection,
            page: passage.record.chunk.page,
            headingPath: passage.record.chunk.headingPath,
            snippet: AssistantSources.snippet(of: passage.record.chunk.text),
            relevance: passage.relevance,
            attributed: attributed
        )
    }
}
