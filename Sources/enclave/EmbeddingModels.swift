// Enclave: loading the embedding models of `enclave serve`.

import EnclaveBackends
import EnclaveCore
import Logging

/// The configured embedding models (`kind: embedding`), loaded with the engine's encoder.
enum EmbeddingModels {
    /// Loads every embedding model of `models`.
    /// - Throws: ``CommandFailure`` naming the model and what is wrong with its folder.
    static func load(_ models: [ModelConfiguration], logger: Logger) throws -> [any EmbeddingBackend] {
        try models.filter { $0.kind == .embedding }.map { model in
            do {
                let backend = try SentenceEmbeddingBackend(model: model)
                logger.info(
                    "embedding model ready",
                    metadata: ["model": .string(model.id), "dimensions": "\(backend.descriptor.dimensions)"]
                )
                return backend
            } catch let failure as ModelLoadFailure {
                throw CommandFailure("embedding model '\(model.id)': \(failure.detail)")
            }
        }
    }
}
