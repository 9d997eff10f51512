// Enclave: the hyperparameters of a sentence-transformers BERT model folder.

import Foundation

/// What a sentence-transformers BERT folder declares: `config.json` (the encoder), `sentence_bert_config.json`
/// (`max_seq_length`), `1_Pooling/config.json` (mean pooling is the one supported) and `modules.json`
/// (whether a `Normalize` module follows the pooling).
public struct BertConfiguration: Sendable, Hashable {
    /// Width of every token vector (`hidden_size`).
    public var hiddenSize: Int
    /// Encoder layers (`num_hidden_layers`).
    public var layers: Int
    /// Attention heads (`num_attention_heads`).
    public var heads: Int
    /// Width of the feed-forward layer (`intermediate_size`).
    public var intermediateSize: Int
    /// LayerNorm epsilon (`layer_norm_eps`).
    public var layerNormEpsilon: Float
    /// Positions the model has embeddings for (`max_position_embeddings`).
    public var maxPositions: Int
    /// Pieces in the vocabulary (`vocab_size`).
    public var vocabularySize: Int
    /// Token type embeddings (`type_vocab_size`).
    public var typeVocabularySize: Int
    /// The longest input in tokens, `[CLS]` and `[SEP]` included: sentence-transformers' `max_seq_length`
    /// (256 for all-MiniLM-L6-v2), else `max_position_embeddings`.
    public var maxSequenceLength: Int
    /// Whether the pooled vector is L2-normalised (a `Normalize` module in `modules.json`).
    public var normalize: Bool

    /// Reads the folder's configuration files.
    /// - Throws: ``SafetensorsError`` (`badHeader`) naming the file and key at fault.
    public init(directory: String) throws {
        let configPath = directory + "/config.json"
        let config = try Self.object(configPath)
        func int(_ key: String) throws -> Int {
            guard let value = (config[key] as? NSNumber)?.intValue, value > 0 else {
                throw SafetensorsError(.badHeader, "'\(key)' is missing or not a positive integer", file: configPath)
            }
            return value
        }
        if let type = config["model_type"] as? String, type != "bert" {
            throw SafetensorsError(.badHeader, "model_type is '\(type)'; only BERT encoders are supported", file: configPath)
        }
        if let act = config["hidden_act"] as? String, act != "gelu" {
            throw SafetensorsError(.badHeader, "hidden_act is '\(act)'; only 'gelu' (the erf form) is supported", file: configPath)
        }
        if let position = config["position_embedding_type"] as? String, position != "absolute" {
            throw SafetensorsError(.badHeader, "position_embedding_type is '\(position)'; only 'absolute' is supported", file: configPath)
        }
        hiddenSize = try int("hidden_size")
        layers = try int("num_hidden_layers")
        heads = try int("num_attention_heads")
        intermediateSize = try int("intermediate_size")
        maxPositions = try int("max_position_embeddings")
        vocabularySize = try int("vocab_size")
        typeVocabularySize = try int("type_vocab_size")
        layerNormEpsilon = (config["layer_norm_eps"] as? NSNumber)?.floatValue ?? 1e-12
        guard hiddenSize % heads == 0 else {
            throw SafetensorsError(.badHeader, "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(heads)", file: configPath)
        }

        let sentencePath = directory + "/sentence_bert_config.json"
        let declared = FileManager.default.fileExists(atPath: sentencePath) ? (try Self.object(sentencePath))["max_seq_length"] as? NSNumber : nil
        maxSequenceLength = min(maxPositions, declared?.intValue ?? maxPositions)
        guard maxSequenceLength >= 2 else {
            throw SafetensorsError(.badHeader, "max_seq_length must be at least 2", file: sentencePath)
        }

        let poolingPath = directory + "/1_Pooling/config.json"
        if FileManager.default.fileExists(atPath: poolingPath) {
            let pooling = try Self.object(poolingPath)
            let mean = (pooling["pooling_mode_mean_tokens"] as? NSNumber)?.boolValue ?? false
            let others = ["pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens"]
                .filter { (pooling[$0] as? NSNumber)?.boolValue == true }
            guard mean, others.isEmpty else {
                throw SafetensorsError(.badHeader, "only mean pooling is supported (pooling_mode_mean_tokens alone)", file: poolingPath)
            }
        }
        let modulesPath = directory + "/modules.json"
        if FileManager.default.fileExists(atPath: modulesPath) {
            let data = FileManager.default.contents(atPath: modulesPath) ?? Data()
            let modules = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]]
            guard let modules else {
                throw SafetensorsError(.badHeader, "not a JSON array of modules", file: modulesPath)
            }
            normalize = modules.contains { ($0["type"] as? String)?.hasSuffix(".Normalize") == true }
        } else {
            normalize = true
        }
    }

    /// Width of one attention head.
    public var headSize: Int { hiddenSize / heads }

    private static func object(_ path: String) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SafetensorsError(.cannotOpen, "cannot read the file", file: path)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw SafetensorsError(.badHeader, "not a JSON object", file: path)
        }
        return object
    }
}
