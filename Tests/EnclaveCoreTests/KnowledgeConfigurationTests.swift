// Enclave: tests of the `knowledge:` section.

import EnclaveCore
import Testing

@Suite struct KnowledgeConfigurationTests {
    func parse(_ yaml: String, environment: [String: String] = [:]) throws -> EnclaveConfiguration {
        try EnclaveConfiguration(yaml: yaml, source: "test.yaml", baseDirectory: nil, environment: environment)
    }

    func problem(_ yaml: String, environment: [String: String] = [:]) -> String? {
        do {
            _ = try parse(yaml, environment: environment)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func defaultsUseTheKeyFileAndTwoHundredTokenChunks() throws {
        let knowledge = try parse("").knowledge
        #expect(knowledge == KnowledgeSettings(encryptionKey: nil, maxDocumentBytes: 50 << 20, chunkTokens: 200, chunkOverlapTokens: 32))
    }

    @Test func everyKeyIsRead() throws {
        let key = KnowledgeKey.generate().base64
        let knowledge = try parse(
            """
            knowledge:
              encryption_key: ${ENCLAVE_KNOWLEDGE_KEY}
              max_document_bytes: 2MiB
              chunk_tokens: 120
              chunk_overlap_tokens: 0
            """,
            environment: ["ENCLAVE_KNOWLEDGE_KEY": key]
        ).knowledge
        #expect(knowledge == KnowledgeSettings(encryptionKey: key, maxDocumentBytes: 2 << 20, chunkTokens: 120, chunkOverlapTokens: 0))
    }

    @Test func anEmptyKeyMeansTheKeyFile() throws {
        #expect(try parse("knowledge:\n  encryption_key: ${ENCLAVE_KNOWLEDGE_KEY:-}\n").knowledge.encryptionKey == nil)
    }

    @Test(arguments: [
        ("knowledge:\n  encryption_key: c2hvcnQ=\n", "knowledge.encryption_key"),
        ("knowledge:\n  chunk_tokens: 8\n", "knowledge.chunk_tokens"),
        ("knowledge:\n  chunk_tokens: 20\n", "knowledge.chunk_tokens"),
        ("knowledge:\n  chunk_tokens: 100\n  chunk_overlap_tokens: 100\n", "knowledge.chunk_overlap_tokens"),
        ("knowledge:\n  max_document_bytes: lots\n", "knowledge.max_document_bytes"),
        ("knowledge:\n  chunk_size: 100\n", "knowledge.chunk_size"),
    ])
    func invalidValuesNameTheirKey(yaml: String, key: String) {
        let problem = problem(yaml)
        #expect(problem?.contains(key) == true, "\(problem ?? "no error")")
    }
}
