// Enclave storage: assistants in SQLite.

public import EnclaveCore
import Foundation
import GRDB

/// An ``AssistantStore`` in Enclave's SQLite database (table `assistant`, migration `010-assistants`).
public final class SQLiteAssistantStore: AssistantStore {
    /// The fields kept in the `settings` JSON column.
    private struct Settings: Codable {
        var description: String
        var systemPrompt: String
        var sampling: Assistant.Sampling
        var collections: [String]
        var retrieval: Assistant.Retrieval
        var guardrailPolicy: String?
        var storeConversations: Bool
    }

    /// The database the assistants are in.
    public let database: SQLiteDatabase

    /// A store over an open database.
    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func create(_ assistant: Assistant) async throws {
        let arguments = try Self.arguments(of: assistant)
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM assistant WHERE id = ?", arguments: [assistant.id]) != nil {
                throw AssistantStoreError.duplicate(assistant.id)
            }
            try db.execute(
                sql: """
                    INSERT INTO assistant (name, model, teamIDs, settings, isDisabled, createdAt, managedBy, id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: arguments
            )
        }
    }

    public func update(_ assistant: Assistant) async throws {
        let arguments = try Self.arguments(of: assistant)
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE assistant SET name = ?, model = ?, teamIDs = ?, settings = ?, isDisabled = ?, createdAt = ?, managedBy = ?
                    WHERE id = ?
                    """,
                arguments: arguments
            )
            guard db.changesCount == 1 else { throw AssistantStoreError.notFound(assistant.id) }
        }
    }

    public func assistant(id: String) async throws -> Assistant? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM assistant WHERE id = ?", arguments: [id]).map(Self.assistant(from:))
        }
    }

    public func assistants() async throws -> [Assistant] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM assistant ORDER BY id").map(Self.assistant(from:))
        }
    }

    public func delete(id: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM assistant WHERE id = ?", arguments: [id])
            guard db.changesCount == 1 else { throw AssistantStoreError.notFound(id) }
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.read(passing: AssistantStoreError.self, failure: AssistantStoreError.unavailable, body)
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.write(passing: AssistantStoreError.self, failure: AssistantStoreError.unavailable, body)
    }

    /// The row's values, in the order of the INSERT and UPDATE statements (id last).
    private static func arguments(of assistant: Assistant) throws -> StatementArguments {
        let settings = Settings(
            description: assistant.description,
            systemPrompt: assistant.systemPrompt,
            sampling: assistant.sampling,
            collections: assistant.collections,
            retrieval: assistant.retrieval,
            guardrailPolicy: assistant.guardrailPolicy,
            storeConversations: assistant.storeConversations
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(settings), as: UTF8.self)
        return [
            assistant.name, assistant.model, assistant.teamIDs.joined(separator: " "), json, assistant.isDisabled, assistant.createdAt,
            assistant.managedBy, assistant.id,
        ]
    }

    private static func assistant(from row: Row) throws -> Assistant {
        let json: String = row["settings"]
        let settings: Settings
        do {
            settings = try JSONDecoder().decode(Settings.self, from: Data(json.utf8))
        } catch {
            throw AssistantStoreError.corrupt("the stored settings of assistant '\(row["id"] as String? ?? "?")' do not decode")
        }
        let teams: String = row["teamIDs"]
        return Assistant(
            id: row["id"],
            name: row["name"],
            description: settings.description,
            model: row["model"],
            systemPrompt: settings.systemPrompt,
            sampling: settings.sampling,
            collections: settings.collections,
            retrieval: settings.retrieval,
            guardrailPolicy: settings.guardrailPolicy,
            teamIDs: teams.split(separator: " ").map(String.init),
            storeConversations: settings.storeConversations,
            isDisabled: row["isDisabled"],
            createdAt: row["createdAt"],
            managedBy: row["managedBy"]
        )
    }
}
