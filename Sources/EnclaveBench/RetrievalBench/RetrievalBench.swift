// Enclave bench: the vector indexes at 10k and 100k chunks.

public import EnclaveKnowledge
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Measures the vector stage of retrieval on synthetic embeddings shaped like a real collection's (unit
/// vectors of 384 floats around a few hundred topic centres, seeded): build time, search latency p50/p95 of
/// the exact scan and of the graph, the graph's recall@10 against exact, and resident memory per 100k
/// vectors (VmRSS before and after each index is filled).
///
/// Latencies are per query on one thread, in thread CPU time (time lost to other processes on a shared
/// machine does not count) and in wall time.
public struct RetrievalBench: Sendable {
    /// One collection size's figures.
    public struct Result: Sendable, Codable {
        /// Vectors in the collection.
        public var vectors: Int
        /// Floats per vector.
        public var dimensions: Int
        /// Exact scan, median thread CPU time per query.
        public var exactP50Milliseconds: Double
        /// Exact scan, 95th percentile thread CPU time.
        public var exactP95Milliseconds: Double
        /// Exact scan, 95th percentile wall time.
        public var exactWallP95Milliseconds: Double
        /// Graph, median thread CPU time per query.
        public var graphP50Milliseconds: Double
        /// Graph, 95th percentile thread CPU time.
        public var graphP95Milliseconds: Double
        /// Graph, 95th percentile wall time.
        public var graphWallP95Milliseconds: Double
        /// Share of the exact top 10 the graph's top 10 holds.
        public var graphRecallAt10: Double
        /// Median exact time over median graph time.
        public var speedup: Double
        /// Wall time to build the graph.
        public var graphBuildSeconds: Double
        /// Resident memory of the exact index, per 100k vectors.
        public var exactMegabytesPer100k: Double
        /// Resident memory of the graph, per 100k vectors.
        public var graphMegabytesPer100k: Double
    }

    /// Collection sizes.
    public var sizes: [Int]
    /// Vector width (384 for all-MiniLM-L6-v2).
    public var dimensions: Int
    /// Queries timed per size.
    public var queries: Int
    /// The graph's parameters.
    public var graph: HNSWIndex.Configuration

    /// Creates a benchmark.
    public init(sizes: [Int] = [10_000, 100_000], dimensions: Int = 384, queries: Int = 200, graph: HNSWIndex.Configuration = .init()) {
        self.sizes = sizes
        self.dimensions = dimensions
        self.queries = queries
        self.graph = graph
    }

    /// Runs every size, reporting each result as it comes.
    public func run(progress: (String) -> Void = { _ in }, report: (Result) -> Void) {
        for size in sizes {
            var data = SyntheticEmbeddings(dimensions: dimensions, clusters: 256, seed: 18)
            let vectors = (0..<size).map { _ in data.next() }
            let queryVectors = (0..<queries).map { _ in data.next() }

            let beforeExact = Self.residentBytes()
            var exact = ExactVectorIndex(dimensions: dimensions)
            for (offset, vector) in vectors.enumerated() { exact.add(Int64(offset + 1), vector: vector) }
            let exactBytes = Self.residentBytes() - beforeExact

            progress("building the graph of \(size) vectors")
            let beforeGraph = Self.residentBytes()
            let buildStart = Self.wallSeconds()
            var index = HNSWIndex(dimensions: dimensions, configuration: graph)
            for (offset, vector) in vectors.enumerated() { index.add(Int64(offset + 1), vector: vector) }
            let buildSeconds = Self.wallSeconds() - buildStart
            let graphBytes = Self.residentBytes() - beforeGraph

            var exactCPU: [Double] = []
            var exactWall: [Double] = []
            var graphCPU: [Double] = []
            var graphWall: [Double] = []
            var hits = 0
            for query in queryVectors {
                let (truth, exactTimes) = Self.time { exact.search(query, k: 10) }
                let (found, graphTimes) = Self.time { index.search(query, k: 10) }
                exactCPU.append(exactTimes.cpu)
                exactWall.append(exactTimes.wall)
                graphCPU.append(graphTimes.cpu)
                graphWall.append(graphTimes.wall)
                let expected = Set(truth.map(\.chunkID))
                hits += found.filter { expected.contains($0.chunkID) }.count
            }
            let scale = 100_000 / Double(size) / 1_048_576
            report(
                Result(
                    vectors: size,
                    dimensions: dimensions,
                    exactP50Milliseconds: Statistics.median(exactCPU) * 1000,
                    exactP95Milliseconds: Statistics.percentile(exactCPU, 95) * 1000,
                    exactWallP95Milliseconds: Statistics.percentile(exactWall, 95) * 1000,
                    graphP50Milliseconds: Statistics.median(graphCPU) * 1000,
                    graphP95Milliseconds: Statistics.percentile(graphCPU, 95) * 1000,
                    graphWallP95Milliseconds: Statistics.percentile(graphWall, 95) * 1000,
                    graphRecallAt10: Double(hits) / Double(queries * 10),
                    speedup: Statistics.median(exactCPU) / max(Statistics.median(graphCPU), 1e-9),
                    graphBuildSeconds: buildSeconds,
                    exactMegabytesPer100k: Double(exactBytes) * scale,
                    graphMegabytesPer100k: Double(graphBytes) * scale
                )
            )
            withExtendedLifetime((exact, index)) {}
        }
    }

    static func time<T>(_ body: () -> T) -> (T, (cpu: Double, wall: Double)) {
        let cpu = cpuSeconds()
        let wall = wallSeconds()
        let result = body()
        return (result, (cpuSeconds() - cpu, wallSeconds() - wall))
    }

    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func wallSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// VmRSS of this process in bytes (Linux), 0 elsewhere.
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            return kilobytes * 1024
        }
        return 0
    }
}
