// Enclave: `enclave bench fake-server`: a fast fake OpenAI server, to measure `bench run` itself.

import ArgumentParser
import EnclaveLoad

/// Serves instant answers so that `enclave bench run` against it shows the load generator's own ceiling.
struct BenchFakeServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-server",
        abstract: "Serve instant fake completions (for measuring the load generator's own overhead).",
        discussion: "Run it pinned to other cores than `bench run`, e.g. `taskset -c 1 enclave bench fake-server`."
    )

    @Option(help: "The loopback port (0: any free one).") var port = 18_080
    @Option(help: "Tokens in each answer.") var tokens = 16
    @Option(help: "Event-loop threads.") var threads = 1

    func run() async throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port needs 0 to 65535, got \(port)") }
        guard tokens >= 1, threads >= 1 else { throw ValidationError("--tokens and --threads must be at least 1") }
        let server = try await FakeCompletionServer.start(port: port, tokens: tokens, threads: threads)
        Console.print("fake server listening on http://127.0.0.1:\(server.port)")
        try await server.wait()
    }
}
