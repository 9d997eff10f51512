// Enclave: `enclave bench retrieval`: the vector stage of retrieval at 10k and 100k chunks.

import ArgumentParser
import EnclaveBench
import EnclaveEngine
import EnclaveKnowledge
import Foundation

/// Times the exact and graph vector indexes on synthetic clustered embeddings (see ``RetrievalBench``) and,
/// with `--model`, the query embedding that precedes every search, so the figures with and without it can
/// be added up.
struct BenchRetrievalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Search latency, recall and memory of the vector indexes at each collection size."
    )

    @Option(help: "Collection sizes in chunks, comma-separated.")
    var sizes = "10000,100000"

    @Option(help: "Queries timed per size.")
    var queries = 200

    @Option(help: "Candidates the graph keeps while searching.")
    var efSearch = HNSWIndex.Configuration().efSearch

    @Option(help: "Candidates the graph keeps while linking a new node.")
    var efConstruction = HNSWIndex.Configuration().efConstruction

    @Option(help: "A sentence-transformers folder: also time embedding a query (batch 1).")
    var model: String?

    @Option(help: "Threads of the embedding model (default: one per core).")
    var threads: Int?

    @Flag(help: "Print one JSON object per result.")
    var json = false

    func run() throws {
        let sizes = try PositiveIntegerList.parse(sizes, option: "--sizes", maximum: 10_000_000)
        if let model { try embedQueries(model) }
        let bench = RetrievalBench(sizes: sizes, queries: queries, graph: .init(efConstruction: efConstruction, efSearch: efSearch))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        bench.run(
            progress: { Console.error($0) },
            report: { result in
                if json {
                    Console.print(String(decoding: (try? encoder.encode(result)) ?? Data(), as: UTF8.self))
                } else {
                    Console.print(
                        String(
                            format: "%d vectors: exact p50 %.2f ms p95 %.2f ms; graph p50 %.3f ms p95 %.3f ms, recall@10 %.3f, %.0fx, "
                                + "built in %.1f s; memory per 100k: exact %.0f MB, graph %.0f MB",
                            result.vectors,
                            result.exactP50Milliseconds,
                            result.exactP95Milliseconds,
                            result.graphP50Milliseconds,
                            result.graphP95Milliseconds,
                            result.graphRecallAt10,
                            result.speedup,
                            result.graphBuildSeconds,
                            result.exactMegabytesPer100k,
                            result.graphMegabytesPer100k
                        )
                    )
                }
            }
        )
    }

    /// Times embedding short questions one at a time, as a retrieval does.
    private func embedQueries(_ model: String) throws {
        let embedder = try SentenceEmbedder(directory: model, threads: threads ?? RunnerConfiguration.defaultThreads)
        let questions = BenchEmbeddingsCommand.builtIn
        _ = embedder.embed([questions[0]])
        var samples: [Double] = []
        let clock = ContinuousClock()
        for index in 0..<max(queries, 1) {
            let start = clock.now
            _ = embedder.embed([questions[index % questions.count]])
            let duration = clock.now - start
            samples.append(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        }
        let p50 = Statistics.median(samples) * 1000
        let p95 = Statistics.percentile(samples, 95) * 1000
        if json {
            Console.print(#"{"query_embedding_p50_ms": \#(p50), "query_embedding_p95_ms": \#(p95), "queries": \#(samples.count)}"#)
        } else {
            Console.print(String(format: "query embedding (batch 1, wall): p50 %.2f ms, p95 %.2f ms", p50, p95))
        }
    }
}
