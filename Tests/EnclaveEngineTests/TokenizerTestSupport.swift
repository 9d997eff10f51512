// Enclave: shared helpers for the tokenizer tests (real models loaded once, synthetic GGUF vocabularies).

import EnclaveEngine
import Foundation
import Testing

enum TokenizerFixtures {
    private static func load(_ path: String) -> Result<any Tokenizer, any Error> {
        Result { try TokenizerLoader.load(from: GGUFFile(path: path).metadata) }
    }

    private static let smolLM2Result = load(TestModels.smolLM2)
    private static let gemma3Result = load(TestModels.gemma3)

    /// The SmolLM2 tokenizer (loaded once per test run).
    static func smolLM2() throws -> any Tokenizer {
        _ = try TestModels.require(TestModels.smolLM2)
        return try smolLM2Result.get()
    }

    /// The Gemma 3 tokenizer (loaded once per test run).
    static func gemma3() throws -> any Tokenizer {
        _ = try TestModels.require(TestModels.gemma3)
        return try gemma3Result.get()
    }

    /// The GPL-3 text used for the whole-file token counts.
    static func evalText() throws -> String {
        guard FileManager.default.fileExists(atPath: TestModels.evalText) else {
            Issue.record("missing \(TestModels.evalText)")
            throw CancellationError()
        }
        return try String(contentsOfFile: TestModels.evalText, encoding: .utf8)
    }

    /// Writes `writer` to a temporary GGUF file and loads its tokenizer.
    static func load(_ writer: GGUFWriter) throws -> any Tokenizer {
        try TokenizerLoader.load(from: metadata(writer))
    }

    /// Writes `writer` to a temporary GGUF file and reads back its metadata.
    static func metadata(_ writer: GGUFWriter) throws -> GGUFMetadata {
        let path = TestModels.temporaryPath("tokenizer.gguf")
        try writer.data().write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try GGUFFile(path: path).metadata
    }
}
