// Enclave: `enclave bench embeddings`: sentences per second of the embedding encoder.

import ArgumentParser
import EnclaveEngine
import Foundation

/// Embeds the lines of a file (or built-in sentences) with a sentence-transformers folder at batch sizes
/// given on the command line and prints sentences per second, in process (no HTTP): the figure
/// `scripts/bench_embeddings.py` compares with sentence-transformers.
struct BenchEmbeddingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embeddings",
        abstract: "Sentences per second of the embedding encoder at each batch size."
    )

    @Option(help: "The sentence-transformers folder.")
    var model = "models/all-MiniLM-L6-v2"

    @Option(help: "A text file with one sentence per line (default: built-in sentences).")
    var sentences: String?

    @Option(help: "Batch sizes, comma-separated.")
    var batch = "1,32"

    @Option(help: "Threads (default: one per core).")
    var threads: Int?

    @Option(help: "Seconds to run each batch size (after one warm-up batch).")
    var seconds = 5.0

    @Flag(help: "Print one JSON object per batch size.")
    var json = false

    func run() async throws {
        let texts =
            try sentences.map { path in
                try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            } ?? Self.builtIn
        guard !texts.isEmpty else { throw ValidationError("no sentences in \(sentences ?? "")") }
        let sizes = try PositiveIntegerList.parse(batch, option: "--batch", maximum: 2048)
        let embedder = try SentenceEmbedder(directory: model, threads: threads ?? RunnerConfiguration.defaultThreads)
        for size in sizes {
            var next = 0
            func nextBatch() -> [String] {
                (0..<size).map { _ in
                    defer { next = (next + 1) % texts.count }
                    return texts[next]
                }
            }
            _ = embedder.embed(nextBatch())
            let clock = ContinuousClock()
            let start = clock.now
            var done = 0
            while (clock.now - start) < .seconds(seconds) || done == 0 {
                _ = embedder.embed(nextBatch())
                done += size
            }
            let duration = clock.now - start
            let elapsed = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            let rate = Double(done) / elapsed
            if json {
                Console.print(
                    #"{"engine": "enclave", "batch": \#(size), "sentences": \#(done), "seconds": \#(elapsed), "sentences_per_second": \#(rate)}"#
                )
            } else {
                Console.print(
                    "batch \(size): \(String(format: "%.1f", rate)) sentences/s (\(done) sentences in \(String(format: "%.1f", elapsed)) s)"
                )
            }
        }
    }

    static let builtIn = [
        "A man is eating food.", "A man is eating a piece of bread.", "The girl is carrying a baby.",
        "A man is riding a horse.", "A woman is playing violin.", "Two men pushed carts through the woods.",
        "A man is riding a white horse on an enclosed ground.", "A monkey is playing drums.",
        "Someone in a gorilla costume is playing a set of drums.", "The new movie is awesome and everyone should see it.",
    ]
}
