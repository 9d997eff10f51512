// Enclave knowledge: running a command-line tool a format needs.

import Dispatch
import Foundation

/// A command-line tool found on the search path, run with its output in files (never pipes, so a chatty
/// tool cannot fill a pipe and stall) and stopped when it overruns its time.
struct ExternalTool {
    /// What a run produced.
    struct Outcome {
        /// The exit status.
        var status: Int32
        /// Standard output.
        var output: Data
        /// Standard error, as text.
        var errors: String
    }

    /// Why a run failed before the tool could report anything.
    enum Failure: Error {
        case couldNotStart
        case timedOut
    }

    /// The executable.
    var url: URL

    /// The tool named `name` in the first of `searchPath`'s directories that holds an executable of that name.
    init?(named name: String, searchPath: [String]) {
        let fileManager = FileManager.default
        guard let directory = searchPath.first(where: { fileManager.isExecutableFile(atPath: ($0 as NSString).appendingPathComponent(name)) }) else {
            return nil
        }
        url = URL(fileURLWithPath: (directory as NSString).appendingPathComponent(name))
    }

    /// The directories of `PATH`, then the usual system ones.
    static var defaultSearchPath: [String] {
        let path = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map(String.init) ?? []
        return path + ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]
    }

    /// Runs the tool in `directory` (which receives its output files) and waits at most `timeout`.
    func run(_ arguments: [String], in directory: URL, timeout: Duration) throws(Failure) -> Outcome {
        let outputURL = directory.appendingPathComponent("stdout")
        let errorURL = directory.appendingPathComponent("stderr")
        let fileManager = FileManager.default
        guard fileManager.createFile(atPath: outputURL.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            fileManager.createFile(atPath: errorURL.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let output = try? FileHandle(forWritingTo: outputURL), let errors = try? FileHandle(forWritingTo: errorURL)
        else { throw .couldNotStart }
        defer {
            try? output.close()
            try? errors.close()
            try? fileManager.removeItem(at: outputURL)
            try? fileManager.removeItem(at: errorURL)
        }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            throw .couldNotStart
        }
        let (seconds, attoseconds) = timeout.components
        if finished.wait(timeout: .now() + Double(seconds) + Double(attoseconds) * 1e-18) == .timedOut {
            // SIGKILL, not terminate()'s SIGTERM: a child spawned from a thread that blocks signals inherits
            // the mask and would ignore SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            _ = finished.wait(timeout: .now() + 5)
            throw .timedOut
        }
        let outputData = (try? Data(contentsOf: outputURL)) ?? Data()
        let errorText = String(decoding: (try? Data(contentsOf: errorURL)) ?? Data(), as: UTF8.self)
        return Outcome(status: process.terminationStatus, output: outputData, errors: errorText)
    }
}
