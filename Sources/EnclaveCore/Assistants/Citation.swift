// Enclave: a source an assistant's answer cites.

/// One source of an answer, as listed in the response's `citations` extension field.
public struct Citation: Sendable, Hashable, Codable {
    /// The source's number in the prompt, as the answer cites it (`[1]`).
    public var index: Int
    /// The document's id.
    public var documentID: String
    /// The document's name (its file name).
    public var documentName: String
    /// The name of the collection the document is in.
    public var collection: String
    /// The page the passage is on, for paged formats.
    public var page: Int?
    /// The headings above the passage, outermost first.
    public var headingPath: [String]
    /// The start of the passage (at most ``AssistantSources/snippetLength`` characters).
    public var snippet: String
    /// The passage's cosine similarity to the query.
    public var relevance: Double
    /// `true` when the answer cited no valid source and this one was attributed after the fact, because its
    /// words overlap the answer's most.
    public var attributed: Bool

    /// Creates a citation.
    public init(
        index: Int,
        documentID: String,
        documentName: String,
        collection: String,
        page: Int?,
        headingPath: [String],
        snippet: String,
        relevance: Double,
        attributed: Bool
    ) {
        self.index = index
        self.documentID = documentID
        self.documentName = documentName
        self.collection = collection
        self.page = page
        self.headingPath = headingPath
        self.snippet = snippet
        self.relevance = relevance
        self.attributed = attributed
    }
}

/// What retrieval gave an assistant's turn: the response's `retrieval` extension field.
public struct RetrievalOutcome: Sendable, Hashable, Codable {
    /// Whether retrieval ran and found anything.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Sources passed the threshold and are in the prompt.
        case found
        /// Retrieval ran and nothing passed the threshold: the assistant said it found nothing.
        case empty
        /// The assistant has no collections: no retrieval.
        case none
    }

    /// Whether retrieval ran and found anything.
    public var status: Status
    /// How many numbered sources the prompt carried.
    public var sources: Int

    /// Creates an outcome.
    public init(status: Status, sources: Int) {
        self.status = status
        self.sources = sources
    }
}
