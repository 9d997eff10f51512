// Enclave storage: what the SQLite knowledge store keeps at rest, and how it refuses wrong keys and damage.

import EnclaveCore
import EnclaveStorage
import Foundation
import GRDB
import Testing

@Suite struct KnowledgeEncryptionTests {
    typealias F = KnowledgeFixtures

    /// A data directory with a database, its key and a store over them.
    struct Fixture {
        let directory: String
        let database: SQLiteDatabase
        let key: KnowledgeKey
        let store: SQLiteKnowledgeStore

        init(key: KnowledgeKey = .generate()) throws {
            directory = TemporaryDirectory.make().path
            database = try SQLiteDatabase(dataDirectory: directory)
            self.key = key
            store = try SQLiteKnowledgeStore(database: database, cipher: KnowledgeCipher(key: key))
        }

        /// The bytes of the database and its WAL.
        func files() throws -> [(String, Data)] {
            try DataDirectory.databaseFiles(database.path).filter { FileManager.default.fileExists(atPath: $0) }.map {
                ($0, try Data(contentsOf: URL(fileURLWithPath: $0)))
            }
        }

        /// A second connection to the same file, for looking at and damaging raw rows.
        func raw() throws -> DatabaseQueue { try DatabaseQueue(path: database.path) }
    }

    static func isCorrupt(_ error: any Error) -> Bool { (error as? KnowledgeStoreError)?.code == .corrupt }

    @Test func noDocumentWordNameOrQueryIsStoredInPlaintext() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        try await store.createCollection(F.collection("docs"))
        var document = F.document("doc_1", in: "col_docs", name: "quixotic-merger-plan.pdf")
        document.sha256 = "5e1f" + String(repeating: "9c", count: 30)
        try await store.addDocument(document, content: Data("Zanzibarian bytes of the original file".utf8))
        let failed = F.document("doc_2", in: "col_docs", name: "flabbergasted.txt")
        try await store.addDocument(failed, content: Data("never indexed".utf8))
        try await store.setStatus(ofDocument: failed.id, to: .failed, failure: "flabbergasted.txt has no text")
        let chunk = DocumentChunk(
            documentID: document.id,
            ordinal: 0,
            text: "The xylophonist perambulates near Oberammergau.",
            page: 1,
            headingPath: ["Confidential Shenanigans"],
            tokenCount: 8
        )
        let contentBefore = try fixture.files()
        let raw = try fixture.raw()
        try await raw.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let checkpointed = try fixture.files()
        #expect(contentBefore.contains { String(decoding: $0.1, as: UTF8.self).contains("Zanzibarian") } == false)
        #expect(checkpointed.contains { String(decoding: $0.1, as: UTF8.self).contains("Zanzibarian") } == false)

        try await store.commit(document: document, chunks: [chunk], vectors: [F.vector(0)], replacing: nil)
        let found = try await store.keywordSearch("perambulates Oberammergau", inCollections: ["col_docs"], limit: 5)
        #expect(found.count == 1)
        let walBytes = try fixture.files()
        try await raw.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let secrets = [
            "xylophonist", "perambulates", "oberammergau", "Oberammergau", "Shenanigans", "quixotic", "flabbergasted",
            "Zanzibarian", "5e1f9c9c",
        ]
        for (path, bytes) in walBytes + (try fixture.files()) {
            let text = String(decoding: bytes, as: UTF8.self)
            for secret in secrets {
                #expect(!text.contains(secret), "\(secret) is in \(path)")
            }
        }
        // Still there, readable with the key.
        #expect(try await store.chunks(ids: found.map(\.chunkID)).first?.chunk.text == chunk.text)
        #expect(try await store.document(id: failed.id)?.failure == "flabbergasted.txt has no text")
    }

    @Test func aChangedOrMovedCiphertextIsCorrupt() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        try await store.createCollection(F.collection("docs"))
        let document = F.document("doc_1", in: "col_docs")
        try await store.addDocument(document, content: Data())
        try await store.commit(
            document: document,
            chunks: F.chunks(["alpha", "beta"], of: document.id),
            vectors: [F.vector(0), F.vector(1)],
            replacing: nil
        )
        let ids = try await store.vectorChanges(inCollection: "col_docs", after: .start).added.map(\.chunkID)
        let raw = try fixture.raw()

        // Two chunks' texts swapped: each is valid ciphertext, of the other row.
        try await raw.write { db in
            let first = try Data.fetchOne(db, sql: "SELECT sealedText FROM knowledgeChunk WHERE id = ?", arguments: [ids[0]])!
            let second = try Data.fetchOne(db, sql: "SELECT sealedText FROM knowledgeChunk WHERE id = ?", arguments: [ids[1]])!
            try db.execute(sql: "UPDATE knowledgeChunk SET sealedText = ? WHERE id = ?", arguments: [second, ids[0]])
            try db.execute(sql: "UPDATE knowledgeChunk SET sealedText = ? WHERE id = ?", arguments: [first, ids[1]])
        }
        await #expect(performing: { try await store.chunks(ids: [ids[0]]) }, throws: Self.isCorrupt)

        // One bit of a name flipped.
        try await raw.write { db in
            var name = try Data.fetchOne(db, sql: "SELECT sealedName FROM knowledgeDocument WHERE id = 'doc_1'")!
            name[name.count - 1] ^= 1
            try db.execute(sql: "UPDATE knowledgeDocument SET sealedName = ? WHERE id = 'doc_1'", arguments: [name])
        }
        await #expect(performing: { try await store.document(id: "doc_1") }, throws: Self.isCorrupt)
        // A truncated vector.
        try await raw.write { db in
            try db.execute(sql: "UPDATE knowledgeChunk SET sealedVector = x'0102' WHERE id = ?", arguments: [ids[1]])
        }
        await #expect(performing: { try await store.vectorChanges(inCollection: "col_docs", after: .start) }, throws: Self.isCorrupt)
    }

    @Test func aWrongKeyIsRefusedAtOpenWithWhatToDo() async throws {
        let fixture = try Fixture()
        try await fixture.store.createCollection(F.collection("docs"))
        let other = KnowledgeCipher(key: .generate())
        #expect {
            _ = try SQLiteKnowledgeStore(database: fixture.database, cipher: other)
        } throws: { error in
            guard let error = error as? KnowledgeStoreError, error.code == .corrupt else { return false }
            return error.message.contains(other.keyIDHex) && error.message.contains(KnowledgeCipher(key: fixture.key).keyIDHex)
                && error.message.contains("knowledge.encryption_key")
        }
        // The right key still opens it, in another process's way: a fresh database handle.
        let again = try SQLiteKnowledgeStore(database: SQLiteDatabase(path: fixture.database.path), cipher: KnowledgeCipher(key: fixture.key))
        #expect(try await again.collection(named: "docs") != nil)
    }

    @Test func theKeyFileIsMadeOnceAndPrivate() throws {
        let directory = TemporaryDirectory.make().path
        let key = try KnowledgeKeyFile.key(configured: nil, dataDirectory: directory)
        let path = KnowledgeKeyFile.path(in: directory)
        #expect(try DataDirectory.mode(of: path) == 0o600)
        #expect(try KnowledgeKeyFile.key(configured: nil, dataDirectory: directory) == key)
        let configured = KnowledgeKey.generate()
        #expect(try KnowledgeKeyFile.key(configured: " \(configured.base64)\n", dataDirectory: directory) == configured)
        #expect(throws: KnowledgeStoreError.self) { try KnowledgeKeyFile.key(configured: "c2hvcnQ=", dataDirectory: directory) }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: KeyStoreError.self) { try KnowledgeKeyFile.key(configured: nil, dataDirectory: directory) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try Data("not a key\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: KnowledgeStoreError.self) { try KnowledgeKeyFile.key(configured: nil, dataDirectory: directory) }
    }

    @Test func tokensAreKeyedAndSealedValuesCarryTheirKeyID() throws {
        let one = KnowledgeCipher(key: .generate())
        let two = KnowledgeCipher(key: .generate())
        #expect(one.token(for: "zebra") == one.token(for: "zebra"))
        #expect(one.token(for: "zebra") != two.token(for: "zebra"))
        #expect(one.token(for: "zebra").count == 13)
        let sealed = try one.seal("secret", context: "a")
        #expect(KnowledgeCipher.keyID(of: sealed) == one.keyID)
        #expect(try one.openString(sealed, context: "a") == "secret")
        #expect(throws: KnowledgeStoreError.self) { try one.open(sealed, context: "b") }
        #expect(throws: KnowledgeStoreError.self) { try two.open(sealed, context: "a") }
        #expect(try one.seal("secret", context: "a") != sealed)
    }

    @Test func wordsAreLowercasedFoldedAndSplit() {
        #expect(KeywordTokenizer.words("Crème brûlée, 2 pièces; x86-64 ÉTÉ") == ["creme", "brulee", "2", "pieces", "x86", "64", "ete"])
        #expect(KeywordTokenizer.words("  ...  ").isEmpty)
    }
}
