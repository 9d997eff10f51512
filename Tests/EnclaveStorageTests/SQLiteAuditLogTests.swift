// Enclave storage tests: the SQLite audit log against rows changed behind its back, and its key files.

import EnclaveCore
import EnclaveStorage
import Foundation
import GRDB
import Testing

@Suite struct SQLiteAuditLogTests {
    /// A log with five records, and a raw connection to its file.
    static func tamperable() async throws -> (SQLiteAuditLog, DatabaseQueue, URL) {
        let directory = TemporaryDirectory.make()
        let log = SQLiteAuditLog(database: try SQLiteDatabase(dataDirectory: directory.path))
        for index in 0..<5 { _ = try await log.append(AuditLogContractTests.entry(minutes: Double(index))) }
        let raw = try DatabaseQueue(path: DataDirectory.databasePath(in: directory.path))
        return (log, raw, directory)
    }

    /// The first break, as the snapshot check finds it; the page-by-page check must agree.
    static func problem(_ log: SQLiteAuditLog) async throws -> AuditChain.Break? {
        let snapshot = try await log.verify(publicKey: nil)
        #expect(try await log.verifyPageByPage(publicKey: nil, pageSize: 2) == snapshot)
        if case .broken(let problem) = snapshot { return problem }
        return nil
    }

    @Test func updatesAreRefusedByTheSchema() async throws {
        let (_, raw, directory) = try await Self.tamperable()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: DatabaseError.self) { try raw.write { try $0.execute(sql: "UPDATE auditLog SET promptTokens = 1 WHERE sequence = 2") } }
    }

    @Test func rowsChangedWithSQLAreNamed() async throws {
        let (log, raw, directory) = try await Self.tamperable()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try await Self.problem(log) == nil)
        try await raw.write { db in
            try db.execute(sql: "DROP TRIGGER auditLog_appendOnly")
            try db.execute(sql: "UPDATE auditLog SET completionTokens = 999 WHERE sequence = 4")
        }
        #expect(try await Self.problem(log)?.sequence == 4)
        #expect(try await Self.problem(log)?.reason == .edited)
        try await raw.write { try $0.execute(sql: "DELETE FROM auditLog WHERE sequence = 2") }
        #expect(try await Self.problem(log)?.sequence == 3)
        #expect(try await Self.problem(log)?.reason == .missing)
    }

    @Test func anUnreadableRowIsNamedNotFatal() async throws {
        let (log, raw, directory) = try await Self.tamperable()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await raw.write { db in
            try db.execute(sql: "DROP TRIGGER auditLog_appendOnly")
            try db.execute(sql: "UPDATE auditLog SET timeMs = 'yesterday', \"after\" = '{not json' WHERE sequence = 3")
        }
        let problem = try #require(try await Self.problem(log))
        #expect(problem.sequence == 3)
        #expect(problem.reason == .unreadable)
    }

    @Test func anInsertedRowIsNamed() async throws {
        let (log, raw, directory) = try await Self.tamperable()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await raw.write { db in
            try db.execute(
                sql: """
                    INSERT INTO auditLog (sequence, timeMs, action, outcome, previousHash, hash)
                    SELECT 6, timeMs, 'login', 'success', hash, hash FROM auditLog WHERE sequence = 5
                    """
            )
        }
        #expect(try await Self.problem(log)?.sequence == 6)
        #expect(try await Self.problem(log)?.reason == .edited)
    }

    @Test func theSigningKeyIsPrivateAndItsPublicHalfIsBesideIt() throws {
        let directory = TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        try DataDirectory.prepare(directory.path)
        #expect(try AuditKeyFiles.publicKey(in: directory.path) == nil)
        let key = try AuditKeyFiles.loadOrCreate(in: directory.path)
        let privatePath = directory.appendingPathComponent(AuditKeyFiles.privateKeyFileName).path
        #expect(try DataDirectory.mode(of: privatePath) == 0o600)
        #expect(try AuditKeyFiles.publicKey(in: directory.path) == key.publicKey)
        #expect(try AuditKeyFiles.loadOrCreate(in: directory.path).rawRepresentation == key.rawRepresentation)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: privatePath)
        #expect(throws: KeyStoreError.self) { try AuditKeyFiles.loadOrCreate(in: directory.path) }
    }
}
