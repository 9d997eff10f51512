// Enclave testing: a retriever that answers from a script and records what it was asked.

public import EnclaveCore
import Synchronization

/// A ``KnowledgeRetriever`` that returns the passages it was given (those in the asked collections, at
/// most `topK`), or throws the error it was given, and records every call.
public final class ScriptedRetriever: KnowledgeRetriever {
    /// One call to ``retrieve(_:inCollections:settings:)``.
    public struct Call: Sendable, Hashable {
        /// The query.
        public var query: String
        /// The collections' ids.
        public var collectionIDs: [String]
        /// The settings.
        public var settings: RetrievalSettings
    }

    private struct State {
        var passages: [RetrievedPassage]
        var failure: (any Error & Sendable)?
        var calls: [Call] = []
    }

    private let state: Mutex<State>

    /// Creates a retriever returning `passages` (or throwing `failure`).
    public init(passages: [RetrievedPassage] = [], failure: (any Error & Sendable)? = nil) {
        state = Mutex(State(passages: passages, failure: failure))
    }

    /// The calls so far, in order.
    public var calls: [Call] { state.withLock { $0.calls } }

    /// Replaces the passages returned.
    public func setPassages(_ passages: [RetrievedPassage]) {
        state.withLock { $0.passages = passages }
    }

    public func retrieve(_ query: String, inCollections collectionIDs: [String], settings: RetrievalSettings) async throws -> [RetrievedPassage] {
        let (passages, failure) = state.withLock { state in
            state.calls.append(Call(query: query, collectionIDs: collectionIDs, settings: settings))
            return (state.passages, state.failure)
        }
        if let failure { throw failure }
        return Array(passages.filter { collectionIDs.contains($0.record.document.collectionID) }.prefix(settings.topK))
    }
}
