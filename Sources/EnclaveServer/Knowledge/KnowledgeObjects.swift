// Enclave server: collections, documents and upload results as the API shows them.

import EnclaveCore
import EnclaveKnowledge
import Foundation

/// The JSON shapes of `/v1/collections` (snake_case keys, times in Unix seconds like OpenAI's files API).
enum KnowledgeObjects {
    /// A list: `{"object": "list", "data": [...]}`.
    struct List<Element: Encodable>: Encodable {
        var object = "list"
        var data: [Element]
    }

    /// A collection.
    struct CollectionObject: Encodable {
        var id: String
        var object = "collection"
        var name: String
        var teams: [String]
        var embeddingModel: String
        var createdAt: Int
        var managedBy: String?

        init(_ collection: KnowledgeCollection) {
            id = collection.id
            name = collection.name
            teams = collection.teamIDs
            embeddingModel = collection.embeddingModel
            createdAt = Int(collection.createdAt.timeIntervalSince1970)
            managedBy = collection.managedBy
        }
    }

    /// A document and where it is in ingestion.
    struct DocumentObject: Encodable {
        var id: String
        var object = "collection.document"
        var collectionId: String
        var name: String
        var status: String
        var failure: String?
        var format: String
        var bytes: Int
        var sha256: String
        var pageCount: Int
        var chunkCount: Int
        var createdAt: Int
        var updatedAt: Int

        init(_ document: KnowledgeDocument) {
            id = document.id
            collectionId = document.collectionID
            name = document.name
            status = document.status.rawValue
            failure = document.failure
            format = document.format
            bytes = document.byteCount
            sha256 = document.sha256
            pageCount = document.pageCount
            chunkCount = document.chunkCount
            createdAt = Int(document.createdAt.timeIntervalSince1970)
            updatedAt = Int(document.updatedAt.timeIntervalSince1970)
        }
    }

    /// What became of one uploaded file.
    struct ReceiptObject: Encodable {
        var object = "collection.document.upload"
        var name: String
        var status: String
        var documentId: String?
        var duplicateOf: String?
        var reason: String?

        init(_ receipt: IngestionReceipt) {
            name = receipt.fileName
            status = receipt.status.rawValue
            documentId = receipt.documentID
            duplicateOf = receipt.duplicateOf
            reason = receipt.reason
        }
    }

    /// A deletion: `{"id", "object", "deleted": true}`.
    struct Deleted: Encodable {
        var id: String
        var object: String
        var deleted = true
    }

    /// `POST /v1/collections`.
    struct CreateCollection: Decodable {
        var name: String
        var teams: [String]?
        var embeddingModel: String?
    }

    /// One document of a JSON upload: text in `content`, or any bytes in `content_base64`.
    struct UploadedDocument: Decodable {
        var name: String
        var content: String?
        var contentBase64: String?
    }

    /// A JSON upload: one document, or several under `documents`.
    struct Upload: Decodable {
        var name: String?
        var content: String?
        var contentBase64: String?
        var documents: [UploadedDocument]?
    }
}
