// Enclave backends: a FIFO or directory given as a model is refused at once (it used to hang the load).

import EnclaveBackends
import EnclaveCore
import EnclaveEngine
import Foundation
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite(.timeLimit(.minutes(1))) struct NonRegularFileTests {
    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("enclave-backends-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aFIFOIsRefusedBeforeAnyRead() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fifo = directory + "/model.gguf"
        #expect(mkfifo(fifo, 0o600) == 0)
        // Opening a FIFO that has no writer blocked forever: `models inspect` hung, `serve` stayed "loading".
        let error = #expect(throws: GGUFError.self) { try MappedFile(path: fifo) }
        #expect(error?.code == .cannotOpen)
        #expect(error?.message.contains("not a regular file") == true)
        #expect(throws: GGUFError.self) { try ModelSummary(path: fifo) }
    }

    @Test func aFIFOModelFailsItsLoadWithAReasonThatHidesThePath() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fifo = directory + "/secret-name.gguf"
        #expect(mkfifo(fifo, 0o600) == 0)
        let failure = #expect(throws: ModelLoadFailure.self) {
            try EmbeddedBackend(model: ModelConfiguration(id: "m", file: fifo), logger: Logger(label: "test"))
        }
        #expect(failure?.reason == "the model file could not be opened (it must be a readable regular file)")
        #expect(failure?.reason.contains("secret-name") == false)
        #expect(failure?.detail.contains(fifo) == true)
    }

    @Test func aDirectoryIsRefused() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = #expect(throws: GGUFError.self) { try MappedFile(path: directory) }
        #expect(error?.code == .cannotOpen)
    }
}
