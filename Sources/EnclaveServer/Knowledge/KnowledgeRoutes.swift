// Enclave server: /v1/collections and their documents.

import EnclaveCore
public import EnclaveKnowledge
import EnclaveOpenAI
import Foundation
public import Hummingbird
import NIOCore

/// `/v1/collections`, `/v1/collections/{collection}` and `/v1/collections/{collection}/documents[/{document}]`:
/// listing, creating and deleting collections, uploading documents (multipart or JSON) to the background
/// ingestion, and following and deleting them.
///
/// A collection the caller may not access (``EnclaveCore/Principal/mayAccess(_:)``) is 404 on every route,
/// as if it did not exist. Creating one: admins for any teams, other users for teams they belong to.
/// Mounted in the `/v1` group (authentication, the `inference` scope, errors in OpenAI's shape).
public struct KnowledgeRoutes: Sendable {
    let ingestor: KnowledgeIngestor
    let administration: KnowledgeAdministration
    let upload: KnowledgeUpload

    /// Creates the routes.
    /// - Parameters:
    ///   - ingestor: Where uploads go (its store holds the collections).
    ///   - administration: Collections and documents, audited.
    ///   - maxFilesPerUpload: The most files one upload may carry; the body limit is that many times
    ///     the ingestor's `maxDocumentBytes` (base64 included), up to 1 GiB.
    public init(ingestor: KnowledgeIngestor, administration: KnowledgeAdministration, maxFilesPerUpload: Int = 16) {
        self.ingestor = ingestor
        self.administration = administration
        self.upload = KnowledgeUpload(maxDocumentBytes: ingestor.settings.maxDocumentBytes, maxFiles: maxFilesPerUpload)
    }

    var store: any KnowledgeStore { ingestor.store }

    /// Adds the routes to the `/v1` group.
    public func add(to group: RouterGroup<EnclaveRequestContext>) {
        group.get("collections") { _, context in
            let principal = try Self.principal(context)
            let visible = try await store.collections().filter { principal.mayAccess($0) }
            return try Self.json(KnowledgeObjects.List(data: visible.map(KnowledgeObjects.CollectionObject.init)))
        }
        group.post("collections") { request, context in
            var request = request
            let asked = try await upload.decode(KnowledgeObjects.CreateCollection.self, from: &request)
            let models = ingestor.embeddingModels
            guard let model = asked.embeddingModel ?? models.first else {
                throw OpenAIError.invalidRequest("No embedding model is loaded; collections need one.", param: "embedding_model")
            }
            guard models.contains(model) else {
                throw OpenAIError.invalidRequest(
                    "The embedding model '\(model)' is not loaded (loaded: \(models.joined(separator: ", ")))",
                    param: "embedding_model",
                    code: "model_not_found"
                )
            }
            let collection = try await Self.mapped {
                try await administration.createCollection(
                    name: asked.name,
                    teams: asked.teams ?? [],
                    embeddingModel: model,
                    by: try Self.principal(context)
                )
            }
            return try Self.json(KnowledgeObjects.CollectionObject(collection), status: .created)
        }
        group.get("collections/{collection}") { _, context in
            try Self.json(KnowledgeObjects.CollectionObject(try await accessible(context)))
        }
        group.delete("collections/{collection}") { _, context in
            let collection = try await accessible(context)
            try await Self.mapped { try await administration.deleteCollection(collection) }
            return try Self.json(KnowledgeObjects.Deleted(id: collection.id, object: "collection.deleted"))
        }
        addDocumentRoutes(to: group)
    }

    /// The collection named by the `collection` parameter (id or name), if the caller may access it.
    /// - Throws: ``OpenAIError`` 404 otherwise.
    func accessible(_ context: EnclaveRequestContext) async throws -> KnowledgeCollection {
        let idOrName = try context.parameters.require("collection")
        let principal = try Self.principal(context)
        guard let collection = try? await administration.existingCollection(idOrName), principal.mayAccess(collection) else {
            throw OpenAIError.notFound(kind: "collection", idOrName)
        }
        return collection
    }

    static func principal(_ context: EnclaveRequestContext) throws -> Principal {
        guard let principal = context.principal else { throw OpenAIError.http(status: 401, reason: "Unauthorized") }
        return principal
    }

    /// Runs `body`, turning knowledge and administration errors into OpenAI errors.
    static func mapped<Value>(_ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch let error as KnowledgeStoreError {
            throw OpenAIError.from(error)
        } catch let error as IngestionError {
            throw OpenAIError.from(error)
        }
    }

    /// A JSON response with snake_case keys.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
