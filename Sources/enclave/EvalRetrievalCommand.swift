// Enclave: `enclave eval retrieval`: recall and MRR of a collection's retrieval on labelled questions.

public import ArgumentParser
import EnclaveBackends
import EnclaveCore
import EnclaveEngine
import EnclaveKnowledge
import EnclaveStorage
import Foundation

extension EvalCommand {
    /// Retrieves for each question of a JSON Lines file from one collection of the data directory, as an
    /// assistant would, and reports recall@1/5/10 and MRR (a hit: a retrieved chunk of the question's document).
    struct Retrieval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recall@1/5/10 and MRR of retrieval from a collection on labelled questions (JSON Lines)."
        )

        @Option(help: "The collection's name.")
        var collection: String

        @Option(help: #"A JSON Lines file: {"question": "...", "document": "<the file name as ingested>"} a line."#)
        var questions: String

        @OptionGroup var storage: StorageOptions

        @Option(help: "hybrid (default), keyword or vector.")
        var mode: RetrievalSettings.Mode = .hybrid

        @Option(name: .customLong("top-k"), help: "Passages retrieved per question (at least 10 are, for recall@10).")
        var topK = 10

        @Option(name: .customLong("min-relevance"), help: "The least cosine a passage needs (-1 keeps every candidate).")
        var minRelevance = -1.0

        @Option(name: .customLong("rerank-model"), help: "A GGUF chat model that reranks the hybrid candidates (yes/no logit).")
        var rerankModel: String?

        @Option(name: .customLong("rerank-candidates"), help: "Candidates the chat model reranks (with --rerank-model).")
        var rerankCandidates = 20

        @Flag(help: "Print one JSON object with keys recall@1, recall@5, recall@10, mrr, questions.")
        var json = false

        func run() async throws {
            let questions = try RetrievalQuestion.lines(of: try Data(contentsOf: URL(fileURLWithPath: self.questions)))
            guard !questions.isEmpty else { throw ValidationError("\(self.questions) has no questions") }
            let store = try openKnowledgeStore()
            guard let collection = try await store.collection(named: collection) else {
                throw CommandFailure("no collection is named '\(self.collection)'")
            }
            let embedder = try embeddingBackend(for: collection)
            let reranker = try rerankModel.map { ChatModelReranker(judge: try ChatModelRelevanceJudge(model: try Model(path: $0))) }
            let retriever = HybridRetriever(
                store: store,
                embedder: embedder,
                reranker: reranker,
                configuration: HybridRetriever.Configuration(rerankCandidates: rerankCandidates)
            )
            let settings = RetrievalSettings(topK: topK, minRelevance: minRelevance, mode: mode, rerank: reranker != nil)
            let result = try await RetrievalEvaluation.evaluate(questions, collection: collection.id, retriever: retriever, settings: settings)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                Console.print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                Console.print(
                    String(
                        format: "%d questions, %@: recall@1 %.3f, recall@5 %.3f, recall@10 %.3f, MRR %.3f",
                        result.questions,
                        mode.rawValue,
                        result.recallAt1,
                        result.recallAt5,
                        result.recallAt10,
                        result.mrr
                    )
                )
            }
        }

        /// The data directory's knowledge store, with the configuration's key or the data directory's key file.
        private func openKnowledgeStore() throws -> SQLiteKnowledgeStore {
            DataDirectory.restrictNewFilesToOwner()
            let directory = try storage.dataDirectory()
            let configured = try storage.config.map { try EnclaveConfiguration.load(path: $0, readingDeclarations: false).knowledge.encryptionKey }
            let key = try KnowledgeKeyFile.key(configured: configured ?? nil, dataDirectory: directory)
            return try SQLiteKnowledgeStore(database: try SQLiteDatabase(dataDirectory: directory), cipher: KnowledgeCipher(key: key))
        }

        /// The collection's embedding model: the configuration's model of that id, else the default one.
        private func embeddingBackend(for collection: KnowledgeCollection) throws -> any EmbeddingBackend {
            let configured = try storage.config.map { try EnclaveConfiguration.load(path: $0, readingDeclarations: false).models } ?? []
            let candidates = configured.filter { $0.kind == .embedding } + [ModelConfiguration.defaultEmbedding]
            guard let model = candidates.first(where: { $0.id == collection.embeddingModel }) else {
                throw CommandFailure("the collection's embedding model '\(collection.embeddingModel)' is not configured")
            }
            do {
                return try SentenceEmbeddingBackend(model: model)
            } catch let failure as ModelLoadFailure {
                throw CommandFailure("embedding model '\(model.id)': \(failure.detail)")
            }
        }
    }
}

extension RetrievalSettings.Mode: ExpressibleByArgument {}
