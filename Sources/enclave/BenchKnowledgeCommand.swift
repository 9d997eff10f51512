// Enclave: `enclave bench knowledge`: keyword search latency of the encrypted SQLite knowledge store.

import ArgumentParser
import EnclaveCore
import EnclaveStorage
import Foundation

#if canImport(CoreFoundation)
// `timespec` for the CPU clock; Foundation re-exports it from here on Linux.
import CoreFoundation
#endif

/// Fills a fresh SQLite knowledge store (encrypted, in a temporary data directory unless `--data-dir`)
/// with synthetic chunks whose words follow a Zipf distribution, then times ``KnowledgeStore``
/// keyword searches of a few words each and prints their latency percentiles.
struct BenchKnowledgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "knowledge",
        abstract: "Keyword search latency of the encrypted SQLite knowledge store at a given number of chunks."
    )

    @Option(help: "Chunks to store.")
    var chunks = 100_000

    @Option(help: "Words per chunk.")
    var words = 150

    @Option(help: "Distinct words of the synthetic language.")
    var vocabulary = 30_000

    @Option(help: "Embedding dimensions stored with each chunk.")
    var dimensions = 384

    @Option(help: "Searches to time.")
    var queries = 500

    @Option(help: "Words per search.")
    var queryWords = 4

    @Option(help: "Results per search.")
    var limit = 20

    @Option(name: .customLong("data-dir"), help: "A new data directory to keep (default: a temporary one, removed after).")
    var dataDir: String?

    func run() async throws {
        DataDirectory.restrictNewFilesToOwner()
        let directory = dataDir ?? FileManager.default.temporaryDirectory.appendingPathComponent("enclave-bench-\(UUID().uuidString)").path
        defer { if dataDir == nil { try? FileManager.default.removeItem(atPath: directory) } }
        let store = try SQLiteKnowledgeStore(
            database: SQLiteDatabase(dataDirectory: directory),
            cipher: KnowledgeCipher(key: try KnowledgeKeyFile.key(configured: nil, dataDirectory: directory))
        )
        var language = SyntheticLanguage(vocabulary: vocabulary, seed: 42)
        let collection = KnowledgeCollection(id: "col_bench", name: "bench", teamIDs: [], embeddingModel: "bench", createdAt: Date())
        // A kept data directory from an earlier run is searched again as it is.
        let reused = try await store.collection(id: collection.id) != nil
        if !reused { try await store.createCollection(collection) }
        let clock = ContinuousClock()
        let ingestStart = clock.now
        let perDocument = 100
        var stored = 0
        var documentIndex = 0
        while stored < chunks && !reused {
            let count = min(perDocument, chunks - stored)
            let id = String(format: "doc_%016x", documentIndex)
            let document = KnowledgeDocument(
                id: id,
                collectionID: collection.id,
                name: "bench-\(documentIndex).txt",
                sha256: String(repeating: "0", count: 64),
                byteCount: count * words * 7,
                format: "text",
                status: .queued,
                createdAt: Date(),
                updatedAt: Date()
            )
            try await store.addDocument(document, content: Data())
            let drafts = (0..<count).map { ordinal in
                DocumentChunk(documentID: id, ordinal: ordinal, text: language.text(words: words), page: nil, headingPath: [], tokenCount: words)
            }
            let vector = [Float](repeating: 1 / Float(dimensions).squareRoot(), count: dimensions)
            try await store.commit(document: document, chunks: drafts, vectors: Array(repeating: vector, count: count), replacing: nil)
            stored += count
            documentIndex += 1
        }
        let ingest = Self.milliseconds(clock.now - ingestStart)
        if !reused { Console.print("stored \(stored) chunks of \(words) words in \(String(format: "%.1f", ingest / 1000)) s") }

        var latencies: [Double] = []
        var cpu: [Double] = []
        var hits = 0
        for index in 0..<(queries + 20) {
            let query = language.text(words: queryWords)
            let start = clock.now
            let cpuStart = Self.processCPUMilliseconds()
            let matches = try await store.keywordSearch(query, inCollections: [collection.id], limit: limit)
            let elapsed = Self.milliseconds(clock.now - start)
            let used = Self.processCPUMilliseconds() - cpuStart
            // The first searches warm the page cache.
            if index >= 20 {
                latencies.append(elapsed)
                cpu.append(used)
                hits += matches.count
            }
        }
        latencies.sort()
        cpu.sort()
        func percentile(_ p: Double, _ values: [Double]? = nil) -> Double {
            let values = values ?? latencies
            return values[min(values.count - 1, Int(Double(values.count) * p))]
        }
        Console.print(
            String(
                format: "keyword search, %d words, top %d, %d searches: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms (%.1f results each)",
                queryWords,
                limit,
                latencies.count,
                percentile(0.5),
                percentile(0.95),
                percentile(0.99),
                latencies.last ?? 0,
                Double(hits) / Double(max(latencies.count, 1))
            )
        )
        // CPU time, which other work on the machine does not inflate.
        Console.print(
            String(
                format: "process CPU per search: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms",
                percentile(0.5, cpu),
                percentile(0.95, cpu),
                percentile(0.99, cpu)
            )
        )
    }

    static func processCPUMilliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}

/// Words `w0`…`wN` drawn with Zipf's law (s = 1), from a seeded generator, so runs are comparable.
struct SyntheticLanguage {
    private var state: UInt64
    private let cumulative: [Double]
    private let names: [String]

    init(vocabulary: Int, seed: UInt64) {
        state = seed
        var total = 0.0
        var cumulative: [Double] = []
        cumulative.reserveCapacity(vocabulary)
        for rank in 1...max(vocabulary, 1) {
            total += 1 / Double(rank)
            cumulative.append(total)
        }
        self.cumulative = cumulative.map { $0 / total }
        // Letters only, so the tokenizer keeps each word whole.
        names = (0..<max(vocabulary, 1)).map { index in
            var value = index
            var word = "w"
            repeat {
                word.append(Character(UnicodeScalar(UInt8(97 + value % 26))))
                value /= 26
            } while value > 0
            return word
        }
    }

    mutating func next() -> Double {
        // SplitMix64.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }

    mutating func word() -> String {
        let target = next()
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] < target { low = middle + 1 } else { high = middle }
        }
        return names[low]
    }

    mutating func text(words: Int) -> String {
        (0..<words).map { _ in word() }.joined(separator: " ")
    }
}
