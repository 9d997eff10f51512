// Enclave OpenAI dialect: the `citations` and `retrieval` extension fields of an assistant's answer.

public import EnclaveCore

/// A chat completion (or chunk) with Enclave's extension fields, encoded as the completion's own fields
/// plus `citations` and `retrieval` at the top level:
///
/// ```json
/// {"id": "chatcmpl-…", "object": "chat.completion", "choices": […], "usage": {…},
///  "citations": [{"index": 1, "document_id": "doc_…", "document": "handbook.md", "collection": "docs",
///                 "page": null, "heading_path": ["Leave"], "snippet": "…", "relevance": 0.71, "attributed": false}],
///  "retrieval": {"status": "found", "sources": 3}}
/// ```
///
/// OpenAI clients ignore fields they do not know, so any client reads the answer and the SDKs expose the
/// extension fields as extra attributes.
public struct KnowledgeExtension<Base: Encodable & Sendable>: Encodable, Sendable {
    /// The completion.
    public var base: Base
    /// The sources the answer cites.
    public var citations: [Citation]
    /// What retrieval gave.
    public var retrieval: RetrievalOutcome

    /// Wraps a completion.
    public init(_ base: Base, citations: [Citation], retrieval: RetrievalOutcome) {
        self.base = base
        self.citations = citations
        self.retrieval = retrieval
    }

    enum CodingKeys: String, CodingKey {
        case citations, retrieval
    }

    public func encode(to encoder: any Encoder) throws {
        try base.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(citations.map(CitationObject.init), forKey: .citations)
        try container.encode(RetrievalObject(retrieval), forKey: .retrieval)
    }
}

/// A citation on the wire (snake_case, `page` as `null` when there is none).
public struct CitationObject: Codable, Sendable {
    public var index: Int
    public var documentID: String
    public var document: String
    public var collection: String
    @EncodedAsNull public var page: Int?
    public var headingPath: [String]
    public var snippet: String
    public var relevance: Double
    public var attributed: Bool

    /// The wire form of a citation.
    public init(_ citation: Citation) {
        index = citation.index
        documentID = citation.documentID
        document = citation.documentName
        collection = citation.collection
        page = citation.page
        headingPath = citation.headingPath
        snippet = citation.snippet
        relevance = citation.relevance
        attributed = citation.attributed
    }

    enum CodingKeys: String, CodingKey {
        case index, document, collection, page, snippet, relevance, attributed
        case documentID = "document_id"
        case headingPath = "heading_path"
    }
}

/// The `retrieval` field on the wire.
public struct RetrievalObject: Codable, Sendable, Hashable {
    /// `found`, `empty` or `none`.
    public var status: String
    /// How many numbered sources the prompt carried.
    public var sources: Int

    /// The wire form of an outcome.
    public init(_ outcome: RetrievalOutcome) {
        status = outcome.status.rawValue
        sources = outcome.sources
    }
}
