// Enclave gateway: what the pipeline makes of a chat turn sent to an assistant.

public import EnclaveCore

/// A conversation ready for the assistant's base model, with the sources its prompt carries.
public struct AssistantTurn: Sendable {
    /// The turns for the base model: the assistant's system prompt (with the numbered sources) first, then
    /// the client's messages, its own system messages included.
    public var turns: [ChatTurn]
    /// The numbered sources in the prompt, in order.
    public var sources: [NumberedSource]
    /// What retrieval gave.
    public var retrieval: RetrievalOutcome
    /// The fixed answer when retrieval found nothing: the model is not called. `nil` otherwise.
    public var nothingFoundAnswer: String?

    /// Creates a turn.
    public init(turns: [ChatTurn], sources: [NumberedSource], retrieval: RetrievalOutcome, nothingFoundAnswer: String? = nil) {
        self.turns = turns
        self.sources = sources
        self.retrieval = retrieval
        self.nothingFoundAnswer = nothingFoundAnswer
    }

    /// The citations of `answer`: see ``AssistantSources/citations(in:sources:)``.
    public func citations(in answer: String) -> [Citation] {
        AssistantSources.citations(in: answer, sources: sources)
    }
}
