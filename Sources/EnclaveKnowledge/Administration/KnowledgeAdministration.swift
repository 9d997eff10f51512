// Enclave knowledge: creating and deleting collections and documents, audited.

public import EnclaveCore
public import Foundation

/// Creates and deletes collections and documents for the API and the CLI, checking names, teams and who
/// may do it, and writes each change to the audit log (ids and names of collections, never document text
/// or file names).
///
/// ```swift
/// let administration = KnowledgeAdministration(store: store, identities: stores.identities, audit: stores.audit)
/// let docs = try await administration.createCollection(name: "docs", teams: ["support"], embeddingModel: "all-MiniLM-L6-v2")
/// ```
public struct KnowledgeAdministration: Sendable {
    /// The collections and documents.
    public let store: any KnowledgeStore
    /// Users and teams (to resolve team names).
    public let identities: any IdentityStore
    /// Where changes are audited.
    public let audit: any AuditEventSink

    /// Creates the administration.
    public init(store: any KnowledgeStore, identities: any IdentityStore, audit: any AuditEventSink) {
        self.store = store
        self.identities = identities
        self.audit = audit
    }

    /// Creates a collection for `teams` (ids or names).
    ///
    /// Who may: the command line and admins, for any teams (or none: a collection only admins see); any
    /// other caller only for teams they belong to, and at least one.
    /// - Parameters:
    ///   - principal: The caller through the API; `nil` on the command line.
    /// - Throws: ``AdministrationError`` `invalid` (name), `notFound` (team), `forbidden`;
    ///   ``KnowledgeStoreError`` `duplicate` for a name in use.
    public func createCollection(
        name: String,
        teams: [String],
        embeddingModel: String,
        by principal: Principal? = nil
    ) async throws -> KnowledgeCollection {
        if let problem = NameRules.problem(with: name) { throw AdministrationError.invalid("the collection name is not valid: \(problem)") }
        if RandomIdentifier.hasShape(name, prefix: "col_") { throw AdministrationError.invalid("a collection name cannot look like a collection id") }
        var teamIDs: [String] = []
        for idOrName in teams {
            guard let team = try await identities.team(idOrName: idOrName) else { throw AdministrationError.notFound("team", idOrName) }
            if !teamIDs.contains(team.id) { teamIDs.append(team.id) }
        }
        if let principal, !principal.isAdmin {
            guard !teamIDs.isEmpty else { throw AdministrationError.forbidden("name at least one of your teams for the collection") }
            for id in teamIDs where !principal.teams.contains(where: { $0.id == id }) {
                throw AdministrationError.forbidden("you can create collections only for teams you belong to")
            }
        }
        let collection = KnowledgeCollection(
            id: RandomIdentifier.make(prefix: "col_"),
            name: name,
            teamIDs: teamIDs,
            embeddingModel: embeddingModel,
            createdAt: Date()
        )
        try await store.createCollection(collection)
        try await record(.collectionCreate, target: collection.id, after: collection.auditJSON)
        return collection
    }

    /// The collection with this id, else this name.
    /// - Throws: ``KnowledgeStoreError`` `notFound`.
    public func existingCollection(_ idOrName: String) async throws -> KnowledgeCollection {
        if let byID = try await store.collection(id: idOrName) { return byID }
        if let byName = try await store.collection(named: idOrName) { return byName }
        throw KnowledgeStoreError.notFound("collection", idOrName)
    }

    /// Deletes a collection with its documents, chunks and vectors.
    /// - Throws: ``AdministrationError`` `managedByConfig` for a collection the configuration declares.
    public func deleteCollection(_ collection: KnowledgeCollection) async throws {
        if let file = collection.managedBy { throw AdministrationError.managedByConfig("collection", collection.name, file: file) }
        try await store.deleteCollection(id: collection.id)
        try await record(.collectionDelete, target: collection.id, before: collection.auditJSON)
    }

    /// Deletes a document from every index.
    public func deleteDocument(_ document: KnowledgeDocument) async throws {
        try await store.deleteDocument(id: document.id)
        try await record(
            .documentDelete,
            target: document.id,
            before: .object(["collection_id": .string(document.collectionID), "sha256": .string(document.sha256)])
        )
    }

    /// Records that documents were submitted to a collection (ids only).
    public func recordSubmission(_ receipts: [IngestionReceipt], collection: KnowledgeCollection) async throws {
        let queued = receipts.filter { $0.status == .queued }.compactMap(\.documentID)
        guard !queued.isEmpty else { return }
        try await record(
            .documentCreate,
            target: collection.id,
            after: .object(["collection_id": .string(collection.id), "document_ids": .array(queued.map { .string($0) })])
        )
    }

    private func record(_ action: AuditAction, target: String, before: AuditJSON? = nil, after: AuditJSON? = nil) async throws {
        try await audit.record(AuditEntry(time: Date(), action: action, target: target, before: before, after: after))
    }
}

extension KnowledgeCollection {
    /// What the audit log keeps of a collection.
    var auditJSON: AuditJSON {
        .object([
            "id": .string(id), "name": .string(name), "team_ids": .array(teamIDs.map { .string($0) }),
            "embedding_model": .string(embeddingModel),
        ])
    }
}

extension AuditAction {
    /// A knowledge collection created.
    public static let collectionCreate = AuditAction(rawValue: "collection.create")
    /// A knowledge collection deleted with its documents.
    public static let collectionDelete = AuditAction(rawValue: "collection.delete")
    /// Documents submitted to a collection (their ids; never their names or text).
    public static let documentCreate = AuditAction(rawValue: "document.create")
    /// A document deleted from every index.
    public static let documentDelete = AuditAction(rawValue: "document.delete")
}
