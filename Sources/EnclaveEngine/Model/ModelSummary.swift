// Enclave: what `enclave models inspect` reports about a model file.

/// A description of a GGUF model: architecture, size, parameters, tensor types, context, tokenizer
/// and chat template. Building it loads and validates the whole model (the same checks as serving).
public struct ModelSummary: Sendable, Codable, Hashable {
    public var path: String
    public var name: String
    public var architecture: String
    public var ggufVersion: Int
    public var fileBytes: Int
    public var parameters: Int
    /// Tensor count per ggml type name, e.g. `["Q4_1": 210, "F32": 61, "Q8_0": 1]`.
    public var tensorTypes: [String: Int]
    public var tensorCount: Int
    public var contextLength: Int
    public var layers: Int
    public var embeddingLength: Int
    public var heads: Int
    public var kvHeads: Int
    public var vocabularySize: Int
    public var tokenizer: String
    /// The chat template family (`chatml`, `llama3`, ...), or `none` when the file has no template.
    public var templateFamily: String
    /// Whether the file has no template (the engine then uses its documented fallback).
    public var usesFallbackTemplate: Bool
    /// The file's `general.file_type` label, if any (e.g. "mostly Q4_1").
    public var fileType: String?

    /// Loads the model at `path` and describes it.
    /// - Throws: the load errors of ``Model`` and ``ChatTemplateError`` for a template that cannot be parsed.
    public init(path: String) throws {
        let model = try Model(path: path)
        let file = model.file
        let c = model.configuration
        self.path = path
        name = model.name
        architecture = c.architecture.rawValue
        ggufVersion = file.version
        fileBytes = file.fileSize
        parameters = file.tensors.reduce(0) { $0 + $1.elementCount }
        tensorTypes = Dictionary(grouping: file.tensors, by: { $0.type.name }).mapValues(\.count)
        tensorCount = file.tensors.count
        contextLength = c.trainedContextLength
        layers = c.layerCount
        embeddingLength = c.embeddingLength
        heads = c.headCount
        kvHeads = c.kvHeadCount
        vocabularySize = c.vocabularySize
        tokenizer = model.tokenizer.tokenizerFamily
        if let source = file.metadata.string("tokenizer.chat_template"), !source.isEmpty {
            templateFamily = try ChatTemplate(source: source).family.rawValue
            usesFallbackTemplate = false
        } else {
            templateFamily = "none"
            usesFallbackTemplate = true
        }
        fileType = file.metadata.int("general.file_type").map(Self.fileTypeName)
    }

    /// llama.cpp's `llama_ftype` labels.
    static func fileTypeName(_ value: Int) -> String {
        let names: [Int: String] = [
            0: "all F32", 1: "mostly F16", 2: "mostly Q4_0", 3: "mostly Q4_1", 7: "mostly Q8_0", 8: "mostly Q5_0",
            9: "mostly Q5_1", 10: "mostly Q2_K", 11: "mostly Q3_K_S", 12: "mostly Q3_K_M", 13: "mostly Q3_K_L",
            14: "mostly Q4_K_S", 15: "mostly Q4_K_M", 16: "mostly Q5_K_S", 17: "mostly Q5_K_M", 18: "mostly Q6_K",
            32: "mostly BF16",
        ]
        return names[value] ?? "type \(value)"
    }
}
