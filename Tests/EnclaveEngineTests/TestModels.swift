// Enclave: locations of the real models used by the tests (fetched by `make models`).

import Foundation
import Testing

enum TestModels {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let smolLM2 = root.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    static let gemma3 = root.appendingPathComponent("models/gemma-3-270m-q4_k_m.gguf").path
    static let miniLM = root.appendingPathComponent("models/all-MiniLM-L6-v2").path
    static let evalText = root.appendingPathComponent("Tests/Data/gpl-3.txt").path

    /// The path to a real model, or a test failure telling the developer to run `make models`.
    static func require(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("missing model \(path): run `make models` first")
            throw CancellationError()
        }
        return path
    }

    /// A fresh temporary file path.
    static func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("enclave-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }
}
