// Enclave storage: rotating the knowledge key, with the key file and with a key from the environment.

import EnclaveCore
import EnclaveStorage
import Foundation
import GRDB
import Testing

@Suite struct KnowledgeKeyRotationTests {
    typealias F = KnowledgeFixtures

    /// A data directory with the generated key file and some documents: one ready, one queued (its bytes
    /// kept), one failed.
    static func populated() async throws -> (directory: String, database: SQLiteDatabase, key: KnowledgeKey) {
        let directory = TemporaryDirectory.make().path
        let key = try KnowledgeKeyFile.key(configured: nil, dataDirectory: directory)
        let database = try SQLiteDatabase(dataDirectory: directory)
        let store = try SQLiteKnowledgeStore(database: database, cipher: KnowledgeCipher(key: key))
        try await store.createCollection(F.collection("docs"))
        try await F.ingest(store, F.document("doc_ready", in: "col_docs", name: "ready.md"), ["The narwhal tusk spirals.", "Ice floes drift."])
        try await store.addDocument(F.document("doc_queued", in: "col_docs", name: "queued.md", at: 2), content: Data("kept bytes".utf8))
        try await store.addDocument(F.document("doc_failed", in: "col_docs", name: "failed.md", at: 3), content: Data())
        try await store.setStatus(ofDocument: "doc_failed", to: .failed, failure: "empty file")
        return (directory, database, key)
    }

    /// Checks that `key` opens everything `populated()` stored, search included.
    static func expectReadable(_ database: SQLiteDatabase, with key: KnowledgeKey) async throws {
        let store = try SQLiteKnowledgeStore(database: SQLiteDatabase(path: database.path), cipher: KnowledgeCipher(key: key))
        let matches = try await store.keywordSearch("narwhal", inCollections: ["col_docs"], limit: 5)
        #expect(try await store.chunks(ids: matches.map(\.chunkID)).map(\.chunk.text) == ["The narwhal tusk spirals."])
        #expect(try await store.documents(inCollection: "col_docs").map(\.name) == ["failed.md", "queued.md", "ready.md"])
        #expect(try await store.content(ofDocument: "doc_queued") == Data("kept bytes".utf8))
        #expect(try await store.document(id: "doc_failed")?.failure == "empty file")
        #expect(try await store.vectorChanges(inCollection: "col_docs", after: .start).added.map(\.vector) == [F.vector(0), F.vector(1)])
    }

    static func expectRefused(_ database: SQLiteDatabase, with key: KnowledgeKey) {
        #expect(throws: KnowledgeStoreError.self) {
            _ = try SQLiteKnowledgeStore(database: SQLiteDatabase(path: database.path), cipher: KnowledgeCipher(key: key))
        }
    }

    static func exists(_ name: String, in directory: String) -> Bool {
        FileManager.default.fileExists(atPath: KnowledgeKeyFile.path(name, in: directory))
    }

    @Test func rotatingTheKeyFileReencryptsEverythingAndReplacesTheFile() async throws {
        let (directory, database, old) = try await Self.populated()
        let new = KnowledgeKey.generate()
        let summary = try await KnowledgeKeyFile.rotate(in: directory, database: database, to: new)
        #expect(summary.documents == 3)
        #expect(summary.contents == 1)
        #expect(summary.chunks == 2)
        #expect(!summary.alreadyRotated)
        #expect(try KnowledgeKeyFile.key(configured: nil, dataDirectory: directory) == new)
        #expect(try DataDirectory.mode(of: KnowledgeKeyFile.path(in: directory)) == 0o600)
        #expect(!Self.exists(KnowledgeKeyFile.nextFileName, in: directory))
        #expect(!Self.exists(KnowledgeKeyFile.previousFileName, in: directory))
        try await Self.expectReadable(database, with: new)
        Self.expectRefused(database, with: old)

        // The keyword index was rebuilt with the new token key: the old key's token for a word finds nothing.
        let raw = try DatabaseQueue(path: database.path)
        let count = { @Sendable (token: String) in
            try await raw.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM knowledgeChunkFTS WHERE knowledgeChunkFTS MATCH ?", arguments: ["\"\(token)\""])
            }
        }
        #expect(try await count(KnowledgeCipher(key: old).token(for: "narwhal")) == 0)
        #expect(try await count(KnowledgeCipher(key: new).token(for: "narwhal")) == 1)
    }

    @Test func aRotationThatFailsLeavesTheOldKeyInUse() async throws {
        let (directory, database, old) = try await Self.populated()
        // A damaged chunk makes the rotation fail half-way through its transaction.
        let raw = try DatabaseQueue(path: database.path)
        try await raw.write { db in
            try db.execute(sql: "UPDATE knowledgeChunk SET sealedVector = x'01' || substr(sealedVector, 2) WHERE ordinal = 1")
        }
        await #expect(throws: KnowledgeStoreError.self) {
            try await KnowledgeKeyFile.rotate(in: directory, database: database, to: .generate())
        }
        #expect(try KnowledgeKeyFile.key(configured: nil, dataDirectory: directory) == old)
        #expect(!Self.exists(KnowledgeKeyFile.nextFileName, in: directory))
        let store = try SQLiteKnowledgeStore(database: SQLiteDatabase(path: database.path), cipher: KnowledgeCipher(key: old))
        #expect(try await store.documents(inCollection: "col_docs").count == 3)
        #expect(try await store.keywordSearch("narwhal", inCollections: ["col_docs"], limit: 5).count == 1)
    }

    @Test func aRotationInterruptedAfterTheDatabaseMovedIsFinishedByTheNextOne() async throws {
        let (directory, database, old) = try await Self.populated()
        // As if the process died between the transaction and the file's replacement.
        let pending = KnowledgeKey.generate()
        try KnowledgeKeyFile.create(KnowledgeKeyFile.path(KnowledgeKeyFile.nextFileName, in: directory), containing: pending)
        _ = try await SQLiteKnowledgeStore.rotateKey(in: database, from: KnowledgeCipher(key: old), to: KnowledgeCipher(key: pending))
        Self.expectRefused(database, with: old)

        let final = KnowledgeKey.generate()
        try await KnowledgeKeyFile.rotate(in: directory, database: database, to: final)
        #expect(try KnowledgeKeyFile.key(configured: nil, dataDirectory: directory) == final)
        try await Self.expectReadable(database, with: final)
        Self.expectRefused(database, with: pending)
    }

    @Test func aKeyFromTheEnvironmentRotatesInTheDatabaseOnly() async throws {
        let (directory, database, old) = try await Self.populated()
        let new = KnowledgeKey.generate()
        let summary = try await SQLiteKnowledgeStore.rotateKey(in: database, from: KnowledgeCipher(key: old), to: KnowledgeCipher(key: new))
        #expect(!summary.alreadyRotated)
        #expect(summary.chunks == 2)
        try await Self.expectReadable(database, with: new)
        Self.expectRefused(database, with: old)
        // Running it again does nothing; a wrong old key is refused.
        #expect(try await SQLiteKnowledgeStore.rotateKey(in: database, from: KnowledgeCipher(key: old), to: KnowledgeCipher(key: new)).alreadyRotated)
        await #expect(throws: KnowledgeStoreError.self) {
            try await SQLiteKnowledgeStore.rotateKey(in: database, from: KnowledgeCipher(key: old), to: KnowledgeCipher(key: .generate()))
        }
        // The key file (made by populated()) is untouched: the environment's key is the admin's to update.
        #expect(try KnowledgeKeyFile.key(configured: nil, dataDirectory: directory) == old)
    }
}
