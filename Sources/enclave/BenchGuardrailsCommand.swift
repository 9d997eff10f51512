// Enclave: `enclave bench guardrails`: the cost of scanning a prompt with every detector.

import ArgumentParser
import EnclaveBench
import EnclaveGuard
import Foundation

/// Times the guardrail scanner on prompts of a given size, clean and with findings, and prints p50 and
/// p99 per scan (the figure of docs/performance.md, "Guardrails").
struct BenchGuardrailsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guardrails",
        abstract: "Time per scan of a prompt by every guardrail detector (p50, p99), clean and with findings, and the stream filter's cost per chunk."
    )

    @Option(help: "Prompt size in bytes.")
    var bytes = 2048

    @Option(help: "Scans timed per set.")
    var scans = 5000

    @Flag(help: "Print one JSON object per set.")
    var json = false

    func validate() throws {
        guard bytes > 0, bytes <= 1 << 24 else { throw ValidationError("--bytes must be between 1 and 16777216") }
        guard scans > 0 else { throw ValidationError("--scans must be positive") }
    }

    func run() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for result in GuardrailBench(bytes: bytes, scans: scans).run() {
            if json {
                Console.print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                Console.print(
                    String(
                        format: "%@: %d-byte prompts, %d scans: p50 %.1f us, p99 %.1f us per scan (%.1f findings per prompt)",
                        result.set,
                        result.bytes,
                        result.scans,
                        result.p50Microseconds,
                        result.p99Microseconds,
                        result.findingsPerScan
                    )
                )
            }
        }
        // The output filter on a streamed 2.5 KB answer in chunks of at most 4 bytes (about one token each).
        let stream = StreamingGuardBenchmark(repetitions: 200).run(policy: .standard, scanner: GuardScanner())
        if json {
            Console.print(String(decoding: try encoder.encode(stream), as: UTF8.self))
        } else {
            Console.print(
                String(
                    format: "stream filter (standard): %d-byte answer in %d chunks: median %.2f us, best %.2f us per chunk; "
                        + "%d scans per answer, at most %d bytes held; %.2f%% of a 200 tok/s decode",
                    stream.bytes,
                    stream.chunks,
                    stream.nanosecondsPerChunk / 1000,
                    stream.bestNanosecondsPerChunk / 1000,
                    stream.scansPerAnswer,
                    stream.maximumHeldBytes,
                    stream.share(ofTokensPerSecond: 200) * 100
                )
            )
        }
    }
}
