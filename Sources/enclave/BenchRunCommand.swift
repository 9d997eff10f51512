// Enclave: `enclave bench run`: load-tests any OpenAI-compatible server (sweeps, Poisson rates, soaks, fairness).

import ArgumentParser
import AsyncHTTPClient
import EnclaveLoad
import Foundation

/// Sends load to `--url` and reports latency percentiles, throughput, goodput and errors; see docs/bench.md.
struct BenchRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Load-test an OpenAI-compatible server: TTFT, inter-token latency, throughput, goodput and errors.",
        discussion: """
            Exits 2 when the server cannot be reached and 1 when more than --max-error-rate of the requests failed.
            Requests in flight at the end of --duration are cancelled and reported, never counted as errors.
            """
    )

    @Option(help: "The server's base URL, e.g. http://127.0.0.1:8080.") var url: String
    @Option(help: "The API key (Bearer).") var key: String?
    @Option(help: "The model id (default: the first one /v1/models lists).") var model: String?
    @Option(help: "chat (/v1/chat/completions) or completions (/v1/completions).") var endpoint = "chat"
    @Flag(help: "Ask for whole answers instead of streams.") var noStream = false
    @Option(help: "Requests in flight, or a sweep such as 1,2,4,8.") var concurrency = "1"
    @Option(help: "Open loop: Poisson arrivals per second instead of a fixed concurrency.") var rate: Double?
    @Option(help: "How long each level runs (500ms, 30s, 5m).") var duration: String?
    @Option(help: "How many requests each level measures.") var requests: Int?
    @Option(help: "Requests sent before each level and not counted.") var warmup = 0
    @Option(help: "Prompt length in words: N, MIN:MAX or normal:MEAN,SD.") var promptTokens = "128"
    @Option(help: "A JSONL file of prompts ({\"prompt\"} or {\"messages\"}, optional \"max_tokens\") to replay.") var prompts: String?
    @Option(help: "max_tokens: N, MIN:MAX or normal:MEAN,SD.") var maxTokens = "64"
    @Option(help: "Sampling temperature sent with each request.") var temperature: Double?
    @Option(help: "Goodput objective, e.g. ttft=500ms,itl=50ms,e2e=20s.") var slo: String?
    @Option(help: "The share of failed requests above which the run exits 1.") var maxErrorRate = 0.05
    @Option(help: "The longest a request may take.") var timeout = "600s"
    @Option(help: "The longest silence while reading an answer (a stalled stream).") var stallTimeout = "30s"
    @Option(help: "The longest a connection may take to open.") var connectTimeout = "5s"
    @Option(help: "The most requests in flight in the open loop.") var maxInFlight = 1024
    @Option(help: "Seed of prompts, lengths and arrivals.") var seed: UInt64 = 42
    @Flag(help: "Print one JSON object instead of the table.") var json = false
    @Option(help: "Write requests.csv, summary.json, latency.svg/.png and report.html to this directory.") var out: String?
    @Flag(help: "Show the progress line even when standard error is not a terminal.") var progress = false
    @Option(help: "Soak: one steady level for this long (e.g. 30m), sampling the server's resources.") var soak: String?
    @Option(help: "Soak: a local server process whose RSS to sample.") var pid: Int32?
    @Option(help: "Soak: seconds between resource samples.") var sampleInterval = "5s"
    @Option(help: "A scenario: fairness (a heavy and a light user on --key and --key2).") var scenario: String?
    @Option(help: "Fairness: the light user's API key.") var key2: String?
    @Option(help: "Fairness: the heavy user's requests in flight.") var heavyConcurrency = 8
    @Option(help: "Fairness: the heavy user's max_tokens.") var heavyMaxTokens = "256"
    @Option(help: "Fairness: the light user's requests in flight.") var lightConcurrency = 1
    @Option(help: "Fairness: the light user's max_tokens.") var lightMaxTokens = "16"

    func run() async throws {
        let settings = try settings()
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPCompletionSender.configuration(
                connections: settings.peakConcurrency,
                connectTimeout: settings.connectTimeout,
                stallTimeout: settings.stallTimeout
            )
        )
        let outcome: Result<Int32, any Error>
        do {
            outcome = .success(try await run(settings, client: client))
        } catch {
            outcome = .failure(error)
        }
        try? await client.shutdown()
        switch outcome {
        case .success(let code) where code != 0: throw ExitCode(code)
        case .success: return
        case .failure(let error as ServerProbe.Unreachable):
            Console.error("Error: \(error.description)")
            throw ExitCode(2)
        case .failure(let error as LoadConfigurationError): throw ValidationError(error.message)
        case .failure(let error): throw error
        }
    }
}
