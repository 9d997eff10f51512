// Enclave: `models[].kind` in the YAML configuration (chat GGUF models and embedding folders).

import EnclaveCore
import Testing

@Suite struct ModelKindConfigurationTests {
    static func parse(_ yaml: String) throws -> EnclaveConfiguration {
        try EnclaveConfiguration(yaml: yaml, source: "test.yaml", baseDirectory: "/srv", environment: [:])
    }

    @Test func anEmbeddingFolderIsAModelOfItsKind() throws {
        let configuration = try Self.parse(
            """
            models:
              - file: chat.gguf
              - file: models/all-MiniLM-L6-v2/
                kind: embedding
            """
        )
        #expect(configuration.models.map(\.kind) == [.chat, .embedding])
        #expect(configuration.models.map(\.id) == ["chat", "all-MiniLM-L6-v2"])
        #expect(configuration.models[1].file.hasPrefix("/srv/models/all-MiniLM-L6-v2"))
    }

    @Test func anUnknownKindNamesTheKeyAndLine() throws {
        #expect {
            try Self.parse("models:\n  - file: a.gguf\n    kind: reranker\n")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.description.hasPrefix("test.yaml:3: models[0].kind:") && error.description.contains("chat or embedding")
        }
    }

    @Test func theDefaultEmbeddingModelIsMiniLM() {
        #expect(ModelConfiguration.defaultEmbedding.kind == .embedding)
        #expect(ModelConfiguration.defaultEmbedding.id == "all-MiniLM-L6-v2")
        #expect(EnclaveConfiguration().models == [.default])
    }
}
