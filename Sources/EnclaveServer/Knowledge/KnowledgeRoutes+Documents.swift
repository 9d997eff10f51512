// Enclave server: /v1/collections/{collection}/documents.

import EnclaveCore
import EnclaveKnowledge
import EnclaveOpenAI
import Hummingbird

extension KnowledgeRoutes {
    func addDocumentRoutes(to group: RouterGroup<EnclaveRequestContext>) {
        group.get("collections/{collection}/documents") { _, context in
            let collection = try await accessible(context)
            let documents = try await store.documents(inCollection: collection.id)
            return try Self.json(KnowledgeObjects.List(data: documents.map(KnowledgeObjects.DocumentObject.init)))
        }
        group.post("collections/{collection}/documents") { request, context in
            let collection = try await accessible(context)
            var request = request
            let files = try await upload.files(from: &request)
            var receipts: [IngestionReceipt] = []
            for file in files {
                receipts.append(
                    try await Self.mapped { try await ingestor.submit(collectionID: collection.id, fileName: file.name, data: file.data) }
                )
            }
            try await administration.recordSubmission(receipts, collection: collection)
            return try Self.json(KnowledgeObjects.List(data: receipts.map(KnowledgeObjects.ReceiptObject.init)), status: .accepted)
        }
        group.get("collections/{collection}/documents/{document}") { _, context in
            try Self.json(KnowledgeObjects.DocumentObject(try await document(context)))
        }
        group.delete("collections/{collection}/documents/{document}") { _, context in
            let document = try await document(context)
            try await Self.mapped { try await administration.deleteDocument(document) }
            return try Self.json(KnowledgeObjects.Deleted(id: document.id, object: "collection.document.deleted"))
        }
    }

    /// The `document` parameter's document (by id, else by name) of an accessible collection.
    /// - Throws: ``OpenAIError`` 404 if it is not there.
    func document(_ context: EnclaveRequestContext) async throws -> KnowledgeDocument {
        let collection = try await accessible(context)
        let idOrName = try context.parameters.require("document")
        if let byID = try await store.document(id: idOrName), byID.collectionID == collection.id { return byID }
        let named = try await store.documents(inCollection: collection.id).filter { $0.name == idOrName }
        // The ready version of a name, else the newest.
        guard let found = named.first(where: { $0.status == .ready }) ?? named.max(by: { $0.createdAt < $1.createdAt }) else {
            throw OpenAIError.notFound(kind: "document", idOrName)
        }
        return found
    }
}
