// Enclave storage: audit records to and from SQLite rows.

import EnclaveCore
import Foundation
import GRDB

extension SQLiteAuditLog {
    /// The INSERT arguments of a record, in ``columns`` order.
    static func arguments(of record: AuditRecord) -> StatementArguments {
        let entry = record.entry
        let values: [(any DatabaseValueConvertible)?] = [
            record.sequence, entry.timeMilliseconds, entry.action.rawValue, entry.actor.userID, entry.actor.keyID,
            entry.actor.sessionID, entry.actor.clientAddress, entry.target, entry.outcome.rawValue, entry.status, entry.model,
            entry.promptTokens, entry.completionTokens, entry.latencyMilliseconds, entry.reason, entry.requestID,
            entry.before?.canonicalText, entry.after?.canonicalText, record.previousHash.hex, record.hash.hex,
        ]
        return StatementArguments(values)
    }

    /// The record of a row. Every column is checked rather than trusted: a row edited by hand into
    /// something that is not a record is reported (``AuditLogError`` `corrupt`, naming its sequence
    /// number), never a crash.
    static func record(_ row: Row) throws -> AuditRecord {
        let sequence = Int64.fromDatabaseValue(row["sequence"] as DatabaseValue)
        func corrupt(_ column: String) -> AuditLogError {
            AuditLogError.corrupt("the column '\(column)' does not hold a valid value", sequence: sequence)
        }
        func text(_ column: String) throws -> String? {
            let value: DatabaseValue = row[column]
            if value.isNull { return nil }
            guard case .string(let text) = value.storage else { throw corrupt(column) }
            return text
        }
        func integer(_ column: String) throws -> Int64? {
            let value: DatabaseValue = row[column]
            if value.isNull { return nil }
            guard case .int64(let number) = value.storage else { throw corrupt(column) }
            return number
        }
        func required<T>(_ value: T?, _ column: String) throws -> T {
            guard let value else { throw corrupt(column) }
            return value
        }
        func json(_ column: String) throws -> AuditJSON? {
            guard let text = try text(column) else { return nil }
            do {
                return try JSONDecoder().decode(AuditJSON.self, from: Data(text.utf8))
            } catch {
                throw corrupt(column)
            }
        }
        func int(_ column: String) throws -> Int? {
            guard let value = try integer(column) else { return nil }
            guard let int = Int(exactly: value) else { throw corrupt(column) }
            return int
        }
        guard let sequence else { throw corrupt("sequence") }
        let actor = AuditActor(
            userID: try text("userID"),
            keyID: try text("keyID"),
            sessionID: try text("sessionID"),
            clientAddress: try text("clientAddress")
        )
        let milliseconds = try required(try integer("timeMs"), "timeMs")
        let entry = AuditEntry(
            time: Date(timeIntervalSince1970: Double(milliseconds) / 1000),
            action: AuditAction(rawValue: try required(try text("action"), "action")),
            actor: actor,
            target: try text("target"),
            outcome: AuditOutcome(rawValue: try required(try text("outcome"), "outcome")),
            status: try int("status"),
            model: try text("model"),
            promptTokens: try int("promptTokens"),
            completionTokens: try int("completionTokens"),
            latencyMilliseconds: try int("latencyMs"),
            reason: try text("reason"),
            requestID: try text("requestID"),
            before: try json("before"),
            after: try json("after")
        )
        guard let previous = AuditHash(hex: try required(try text("previousHash"), "previousHash")) else { throw corrupt("previousHash") }
        guard let hash = AuditHash(hex: try required(try text("hash"), "hash")) else { throw corrupt("hash") }
        return AuditRecord(sequence: sequence, entry: entry, previousHash: previous, hash: hash)
    }

    /// The stored checkpoint, if any.
    static func checkpoint(_ db: Database) throws -> AuditCheckpoint? {
        guard let row = try Row.fetchOne(db, sql: "SELECT sequence, hash, timeMs, signature FROM auditCheckpoint WHERE id = 1") else {
            return nil
        }
        let sequence = Int64.fromDatabaseValue(row["sequence"] as DatabaseValue)
        let hashText = String.fromDatabaseValue(row["hash"] as DatabaseValue)
        let milliseconds = Int64.fromDatabaseValue(row["timeMs"] as DatabaseValue)
        let signature = Data.fromDatabaseValue(row["signature"] as DatabaseValue)
        guard let sequence, let hash = hashText.flatMap(AuditHash.init(hex:)), let milliseconds, let signature else {
            throw AuditLogError.corrupt("the audit checkpoint is not valid", sequence: sequence)
        }
        return AuditCheckpoint(sequence: sequence, hash: hash, time: Date(timeIntervalSince1970: Double(milliseconds) / 1000), signature: signature)
    }
}
