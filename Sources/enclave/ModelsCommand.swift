// Enclave: `enclave models ...`.

import ArgumentParser
import Crypto
import EnclaveEngine
import Foundation

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Inspect GGUF model files.",
        subcommands: [Inspect.self]
    )

    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a GGUF model's architecture, parameters, tensor types, context, template family, size and SHA-256."
        )

        @Argument(help: "Path to a GGUF file.")
        var path: String

        @Flag(name: .long, help: "Print one JSON object.")
        var json = false

        func run() async throws {
            let summary = try ModelSummary(path: path)
            let digest = try Self.sha256(path)
            if json {
                struct Output: Encodable {
                    let summary: ModelSummary
                    let sha256: String
                    func encode(to encoder: any Encoder) throws {
                        try summary.encode(to: encoder)
                        var c = encoder.container(keyedBy: Key.self)
                        try c.encode(sha256, forKey: Key(stringValue: "sha256")!)
                    }
                    struct Key: CodingKey {
                        var stringValue: String
                        var intValue: Int? { nil }
                        init?(stringValue: String) { self.stringValue = stringValue }
                        init?(intValue: Int) { nil }
                    }
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                print(String(decoding: try encoder.encode(Output(summary: summary, sha256: digest)), as: UTF8.self))
                return
            }
            let types = summary.tensorTypes.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let rows: [(String, String)] = [
                ("file", summary.path),
                ("name", summary.name),
                ("architecture", summary.architecture),
                ("parameters", Self.count(summary.parameters)),
                ("file type", summary.fileType ?? "-"),
                ("tensor types", "\(types) (\(summary.tensorCount) tensors)"),
                ("shape", "\(summary.layers) layers, width \(summary.embeddingLength), \(summary.heads) heads / \(summary.kvHeads) KV heads"),
                ("context length", "\(summary.contextLength)"),
                ("vocabulary", "\(summary.vocabularySize) (\(summary.tokenizer))"),
                ("chat template", summary.usesFallbackTemplate ? "none in the file (the engine uses its fallback)" : summary.templateFamily),
                ("size", String(format: "%.1f MiB (%d bytes)", Double(summary.fileBytes) / 1_048_576, summary.fileBytes)),
                ("gguf version", "\(summary.ggufVersion)"),
                ("sha256", digest),
            ]
            for (key, value) in rows { print(key.padding(toLength: 16, withPad: " ", startingAt: 0) + value) }
        }

        static func count(_ n: Int) -> String {
            n >= 1_000_000_000 ? String(format: "%.2f B (%d)", Double(n) / 1e9, n) : String(format: "%.1f M (%d)", Double(n) / 1e6, n)
        }

        /// SHA-256 of the file, read through a memory mapping in 4 MiB pieces.
        static func sha256(_ path: String) throws -> String {
            let mapping = try MappedFile(path: path)
            var hasher = SHA256()
            var offset = 0
            while offset < mapping.count {
                let n = min(4 << 20, mapping.count - offset)
                hasher.update(bufferPointer: UnsafeRawBufferPointer(start: mapping.base + offset, count: n))
                offset += n
            }
            return hasher.finalize().map { String(format: "%02x", $0) }.joined()
        }
    }
}
