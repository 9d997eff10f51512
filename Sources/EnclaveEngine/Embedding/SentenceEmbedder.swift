// Enclave: sentence embeddings from a sentence-transformers BERT folder (all-MiniLM-L6-v2).

import Foundation
import Synchronization

/// A sentence-transformers BERT model: WordPiece tokenizer, encoder, mean pooling and L2 normalisation, loaded
/// from a folder with `config.json`, `vocab.txt` and `model.safetensors` (F32), plus the sentence-transformers
/// files (`sentence_bert_config.json`, `1_Pooling/config.json`, `modules.json`) when present.
///
/// Batches are sorted by length and split into passes of at most ``maxTokensPerPass`` tokens; each pass runs the
/// encoder on the embedder's own thread pool. Calls block the calling thread for the whole computation and are
/// serialised (one batch at a time), so a server calls it off its cooperative threads.
///
/// ```swift
/// let embedder = try SentenceEmbedder(directory: "models/all-MiniLM-L6-v2")
/// let vectors = embedder.embed(["A man is eating food.", "A man is eating a piece of bread."])
/// ```
public final class SentenceEmbedder: Sendable {
    /// The folder's hyperparameters.
    public let configuration: BertConfiguration
    /// The tokenizer (`vocab.txt`).
    public let tokenizer: WordPieceTokenizer
    /// The folder the model was read from.
    public let directory: String
    private let encoder: Mutex<EncoderBox>
    private let pool: ThreadPool

    /// The encoder, owned by the mutex.
    private final class EncoderBox: @unchecked Sendable {
        // Only used while the embedder's mutex is held.
        let encoder: BertEncoder
        init(_ encoder: BertEncoder) { self.encoder = encoder }
    }

    /// Loads the model in `directory`.
    /// - Parameters:
    ///   - threads: Threads of the encoder's pool (the caller plus `threads - 1` workers); default: one per core.
    ///   - maxTokensPerPass: The most tokens one encoder pass holds (scratch memory grows with it: about 9 KB per
    ///     token for all-MiniLM-L6-v2).
    /// - Throws: ``SafetensorsError`` naming the file and what is wrong with it.
    public init(directory: String, threads: Int = RunnerConfiguration.defaultThreads, maxTokensPerPass: Int = 4096) throws {
        self.directory = directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SafetensorsError(
                .cannotOpen,
                "not a folder (an embedding model is a sentence-transformers folder with config.json, vocab.txt and model.safetensors)",
                file: directory
            )
        }
        let configuration = try BertConfiguration(directory: directory)
        let tokenizer = try WordPieceTokenizer(vocabularyFile: directory + "/vocab.txt")
        guard tokenizer.count == configuration.vocabularySize else {
            throw SafetensorsError(
                .badHeader,
                "vocab.txt has \(tokenizer.count) tokens, config.json says vocab_size \(configuration.vocabularySize)",
                file: directory
            )
        }
        let file = try SafetensorsFile(path: directory + "/model.safetensors")
        let weights = try BertWeights(file: file, configuration: configuration)
        let pool = ThreadPool(threads: threads)
        self.configuration = configuration
        self.tokenizer = tokenizer
        self.pool = pool
        encoder = Mutex(EncoderBox(BertEncoder(configuration: configuration, weights: weights, pool: pool, maxTokens: maxTokensPerPass)))
    }

    deinit { pool.shutdown() }

    /// Width of the vectors.
    public var dimensions: Int { configuration.hiddenSize }
    /// The longest input in tokens, `[CLS]` and `[SEP]` included (longer texts are truncated by ``tokenize(_:)``).
    public var maxSequenceLength: Int { configuration.maxSequenceLength }
    /// The most tokens one encoder pass holds.
    public var maxTokensPerPass: Int { encoder.withLock { $0.encoder.maxTokens } }

    /// `[CLS]`, the text's word pieces (truncated to fit ``maxSequenceLength``), `[SEP]`.
    public func tokenize(_ text: String) -> [Int] {
        tokenizer.encode(text, maxLength: maxSequenceLength)
    }

    /// The embeddings of `texts`, in order (truncated to ``maxSequenceLength`` tokens each).
    public func embed(_ texts: [String]) -> [[Float]] {
        embed(tokenized: texts.map(tokenize))
    }

    /// The embeddings of already tokenized sequences (`[CLS]` and `[SEP]` included), in order.
    /// - Precondition: each sequence has 1...``maxSequenceLength`` ids below the vocabulary size.
    public func embed(tokenized sequences: [[Int]]) -> [[Float]] {
        for s in sequences {
            precondition(!s.isEmpty && s.count <= maxSequenceLength, "a sequence must have 1...\(maxSequenceLength) tokens")
            precondition(s.allSatisfy { (0..<configuration.vocabularySize).contains($0) }, "a token id is outside the vocabulary")
        }
        // Similar lengths together: the attention cost per pass follows the longest sequences in it.
        let order = sequences.indices.sorted { sequences[$0].count < sequences[$1].count }
        var result = [[Float]](repeating: [], count: sequences.count)
        encoder.withLock { box in
            let limit = box.encoder.maxTokens
            var index = 0
            while index < order.count {
                var pass: [Int] = []
                var tokens = 0
                while index < order.count, tokens + sequences[order[index]].count <= limit {
                    tokens += sequences[order[index]].count
                    pass.append(order[index])
                    index += 1
                }
                let vectors = box.encoder.encode(pass.map { sequences[$0] })
                for (i, vector) in zip(pass, vectors) { result[i] = vector }
            }
        }
        return result
    }
}
