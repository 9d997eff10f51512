// Enclave server: reading the files of a document upload, multipart or JSON.

import EnclaveOpenAI
import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// Reads uploads to `/v1/collections/{collection}/documents` with their own body limit (not the server's
/// `limits.max_body_bytes`): `multipart/form-data` with one or more `file` fields, or JSON
/// (`{"name", "content"}`, `{"name", "content_base64"}` or `{"documents": [...]}`).
struct KnowledgeUpload: Sendable {
    /// One uploaded file.
    struct File: Sendable {
        var name: String
        var data: Data
    }

    /// The largest file (ingestion's `max_document_bytes`).
    let maxDocumentBytes: Int
    /// The most files in one upload.
    let maxFiles: Int

    /// The body limit of an upload: `maxFiles` files, base64-encoded, plus room for the envelope; at most 1 GiB.
    var maxBodyBytes: Int {
        let (files, overflow) = maxDocumentBytes.multipliedReportingOverflow(by: maxFiles)
        guard !overflow else { return 1 << 30 }
        return min(files / 3 * 4 + 64 * 1024, 1 << 30)
    }

    /// The files of an upload.
    /// - Throws: ``OpenAIError`` 413 over the limit, 400 for a body that is neither form data nor JSON of
    ///   the upload's shape, or that carries no file or too many.
    func files(from request: inout Request) async throws -> [File] {
        let data = try await collect(&request, limit: maxBodyBytes)
        let contentType = request.headers[.contentType] ?? ""
        let files: [File]
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            files = try Self.multipartFiles(data, contentType: contentType)
        } else {
            files = try Self.jsonFiles(data)
        }
        guard !files.isEmpty else {
            throw OpenAIError.invalidRequest(
                "The upload has no file: send form fields named 'file' or JSON with 'name' and 'content'.",
                param: "file"
            )
        }
        guard files.count <= maxFiles else {
            throw OpenAIError.invalidRequest("An upload carries at most \(maxFiles) files; this one has \(files.count).", param: "file")
        }
        return files
    }

    /// A small JSON body (collection creation: 64 KiB at most).
    func decode<Value: Decodable>(_ type: Value.Type, from request: inout Request) async throws -> Value {
        let data = try await collect(&request, limit: 64 * 1024)
        return try Self.decodeJSON(type, from: data)
    }

    private func collect(_ request: inout Request, limit: Int) async throws -> Data {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw OpenAIError.requestTooLarge(limit: limit)
        }
        do {
            return Data(try await request.collectBody(upTo: limit).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw OpenAIError.requestTooLarge(limit: limit)
        }
    }

    static func decodeJSON<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        guard !data.isEmpty else { throw OpenAIError.invalidRequest("The request body is empty; send a JSON object.", param: nil) }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(Value.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw OpenAIError.invalidRequest("The body lacks '\(key.stringValue)'.", param: key.stringValue)
        } catch let DecodingError.typeMismatch(_, context) {
            let param = context.codingPath.last?.stringValue
            throw OpenAIError.invalidRequest("'\(param ?? "body")' has the wrong type.", param: param)
        } catch {
            throw OpenAIError.invalidRequest("The request body is not JSON of the expected shape.", param: nil)
        }
    }

    /// The documents of a JSON upload.
    static func jsonFiles(_ data: Data) throws -> [File] {
        let upload = try decodeJSON(KnowledgeObjects.Upload.self, from: data)
        var documents = upload.documents ?? []
        if let name = upload.name {
            documents.insert(KnowledgeObjects.UploadedDocument(name: name, content: upload.content, contentBase64: upload.contentBase64), at: 0)
        }
        return try documents.map { document in
            switch (document.content, document.contentBase64) {
            case (let text?, nil):
                return File(name: document.name, data: Data(text.utf8))
            case (nil, let encoded?):
                guard let bytes = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                    throw OpenAIError.invalidRequest("'content_base64' of '\(document.name)' is not base64.", param: "content_base64")
                }
                return File(name: document.name, data: bytes)
            default:
                throw OpenAIError.invalidRequest(
                    "Give '\(document.name)' exactly one of 'content' (text) and 'content_base64'.",
                    param: "content"
                )
            }
        }
    }

    /// The `file` fields (also `file[]`, `files`) of a `multipart/form-data` body, named by their `filename`.
    static func multipartFiles(_ data: Data, contentType: String) throws -> [File] {
        guard let boundary = parameter("boundary", in: contentType) else {
            throw OpenAIError.invalidRequest("The multipart Content-Type has no boundary.", param: nil)
        }
        var files: [File] = []
        var disposition: String?
        var body = Data()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in
            if name.lowercased() == "content-disposition" { disposition = value }
        }
        parser.onBody = { buffer in body.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            defer {
                disposition = nil
                body = Data()
            }
            guard let disposition, let field = parameter("name", in: disposition), ["file", "file[]", "files", "files[]"].contains(field) else {
                return
            }
            files.append(File(name: parameter("filename", in: disposition) ?? "", data: body))
        }
        do {
            try parser.execute([UInt8](data))
        } catch {
            throw OpenAIError.invalidRequest("The multipart body is malformed.", param: nil)
        }
        if files.contains(where: { $0.name.isEmpty }) {
            throw OpenAIError.invalidRequest("Every 'file' field needs a filename.", param: "file")
        }
        return files
    }

    /// The value of `key` among a header's `; key=value` parameters (quotes removed).
    static func parameter(_ key: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}
