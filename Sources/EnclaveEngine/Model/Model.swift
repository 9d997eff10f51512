// Enclave: a loaded model: its file, hyperparameters and weights.

/// A GGUF model loaded for inference: the mapped file, its validated hyperparameters and weights.
///
/// Loading checks the architecture (llama and gemma3 run; any other is refused by name), every
/// tensor's presence, shape and type, and the tokenizer, so that problems surface at load time,
/// not in the middle of a request.
public final class Model: Sendable {
    /// The mapped file.
    public let file: GGUFFile
    /// The hyperparameters.
    public let configuration: ModelHyperparameters
    /// The weights (pointing into the mapping).
    public let weights: ModelWeights
    /// The tokenizer described by the file's metadata.
    public let tokenizer: any Tokenizer

    /// Loads the model at `path`.
    /// - Throws: ``GGUFError`` for a file that is not valid GGUF, ``ModelError`` for a model the engine cannot run.
    public init(path: String) throws {
        let file = try GGUFFile(path: path)
        self.file = file
        configuration = try ModelHyperparameters(file: file)
        weights = try ModelWeights(file: file, configuration: configuration)
        tokenizer = try TokenizerLoader.load(from: file.metadata)
        guard tokenizer.vocabularySize <= configuration.vocabularySize else {
            throw ModelError(
                .invalidHyperparameter,
                "\(path): the tokenizer has \(tokenizer.vocabularySize) tokens but the embedding table only \(configuration.vocabularySize) rows"
            )
        }
    }

    /// The file's `general.name`, or its file name.
    public var name: String {
        file.metadata.string("general.name") ?? String(file.path.split(separator: "/").last ?? "")
    }
}
