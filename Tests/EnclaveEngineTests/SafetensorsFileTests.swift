// Enclave: reading safetensors files, and the errors for corrupt ones.

import EnclaveEngine
import Foundation
import Testing

@Suite struct SafetensorsFileTests {
    /// A file with `header` as its JSON header, then `data`; the length field says `declared` if given.
    static func file(header: String, data: [UInt8], declared: UInt64? = nil) throws -> String {
        let json = Array(header.utf8)
        var bytes = withUnsafeBytes(of: (declared ?? UInt64(json.count)).littleEndian) { Array($0) }
        bytes += json + data
        let path = TestModels.temporaryPath("test.safetensors")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let twoFloats = #"{"t": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "__metadata__": {"format": "pt"}}"#

    @Test func readsLittleEndianTensors() throws {
        let data = [Float(1.5), -2].flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        let file = try SafetensorsFile(path: Self.file(header: Self.twoFloats, data: data))
        #expect(file.tensors["t"]?.shape == [2])
        let values = try file.floats("t", shape: [2])
        #expect(values[0] == 1.5 && values[1] == -2)
        #expect(throws: SafetensorsError.self) { try file.floats("t", shape: [1, 2]) }
        #expect(throws: SafetensorsError.self) { try file.floats("absent", shape: [2]) }
    }

    static func code(_ path: String) -> SafetensorsError.Code? {
        do {
            _ = try SafetensorsFile(path: path)
            return nil
        } catch let error as SafetensorsError {
            #expect(error.message.hasPrefix(path))
            return error.code
        } catch {
            return nil
        }
    }

    @Test func corruptFilesGetClearErrors() throws {
        // The data stops 4 bytes short of the tensor.
        #expect(Self.code(try Self.file(header: Self.twoFloats, data: [0, 0, 0, 0])) == .truncated)
        // The header length points past the end of the file.
        #expect(Self.code(try Self.file(header: Self.twoFloats, data: [], declared: 1 << 40)) == .truncated)
        // Fewer than 8 bytes.
        let short = TestModels.temporaryPath("short.safetensors")
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: short))
        #expect(Self.code(short) == .truncated)
        // Not JSON (a GGUF file read as safetensors, say).
        #expect(Self.code(try Self.file(header: "GGUF\u{3}garbage", data: [])) == .badHeader)
        // Offsets that disagree with the shape, and an unknown type.
        let wrongSize = #"{"t": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#
        #expect(Self.code(try Self.file(header: wrongSize, data: Array(repeating: 0, count: 12))) == .badTensor)
        let unknownType = #"{"t": {"dtype": "Q4", "shape": [2], "data_offsets": [0, 8]}}"#
        #expect(Self.code(try Self.file(header: unknownType, data: Array(repeating: 0, count: 8))) == .badTensor)
        #expect(Self.code(TestModels.temporaryPath("missing.safetensors")) == .cannotOpen)
    }

    @Test func aTruncatedModelFolderFailsToLoadWithTheFileNamed() throws {
        let source = try TestModels.require(TestModels.miniLM)
        let folder = TestModels.temporaryPath("minilm")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["config.json", "vocab.txt", "modules.json", "sentence_bert_config.json"] {
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: folder + "/" + name)
        }
        let model = try Data(contentsOf: URL(fileURLWithPath: source + "/model.safetensors"))
        try model.prefix(model.count / 2).write(to: URL(fileURLWithPath: folder + "/model.safetensors"))
        #expect {
            try SentenceEmbedder(directory: folder, threads: 1)
        } throws: { error in
            guard let error = error as? SafetensorsError else { return false }
            return error.code == .truncated && error.message.contains("model.safetensors")
        }
    }
}
