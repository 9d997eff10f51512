// Enclave: a small OpenAI-API client for `enclave chat`, streaming with URLSession.

import EnclaveCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Talks to an OpenAI-compatible server: lists models, streams chat completions (Server-Sent Events).
struct ChatClient {
    /// A failure to show to the user.
    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    let baseURL: URL
    let apiKey: String

    /// The id of the server's first model.
    func firstModel() async throws -> String {
        var request = URLRequest(url: baseURL.appendingPathComponent("v1/models"))
        request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await fetch(request)
        guard response.statusCode == 200 else { throw Failure(message: Self.errorMessage(data, status: response.statusCode)) }
        struct ModelList: Decodable {
            struct Model: Decodable { var id: String }
            var data: [Model]
        }
        guard let first = try JSONDecoder().decode(ModelList.self, from: data).data.first else {
            throw Failure(message: "the server serves no models")
        }
        return first.id
    }

    /// Streams a chat completion, calling `onText` with each piece; returns the whole reply.
    func streamChat(
        model: String, messages: [ChatTurn], temperature: Double?, maxTokens: Int?, onText: (String) -> Void
    ) async throws -> String {
        struct Body: Encodable {
            var model: String
            var messages: [ChatTurn]
            var stream = true
            var temperature: Double?
            var max_tokens: Int?
        }
        var request = URLRequest(url: baseURL.appendingPathComponent("v1/chat/completions"))
        request.httpMethod = "POST"
        request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONEncoder().encode(Body(model: model, messages: messages, temperature: temperature, max_tokens: maxTokens))

        let stream = EventStream(request: request)
        defer { stream.cancel() }
        var reply = ""
        var lines = SSELineSplitter()
        for try await chunk in stream.chunks {
            if let status = stream.status, status != 200 {
                var body = chunk
                for try await more in stream.chunks { body += more }
                throw Failure(message: Self.errorMessage(body, status: status))
            }
            for data in lines.feed(chunk) {
                if data == "[DONE]" { return reply }
                guard let json = data.data(using: .utf8) else { continue }
                if let failure = try? JSONDecoder().decode(ErrorEnvelope.self, from: json) {
                    throw Failure(message: failure.error.message)
                }
                let event = try JSONDecoder().decode(Chunk.self, from: json)
                if let text = event.choices.first?.delta.content, !text.isEmpty {
                    reply += text
                    onText(text)
                }
            }
        }
        if let status = stream.status, status != 200 { throw Failure(message: "the server answered \(status)") }
        return reply
    }

    private struct Chunk: Decodable {
        struct Choice: Decodable {
            struct Delta: Decodable { var content: String? }
            var delta: Delta
        }
        var choices: [Choice]
    }

    private struct ErrorEnvelope: Decodable {
        struct Body: Decodable { var message: String }
        var error: Body
    }

    static func errorMessage(_ data: Data, status: Int) -> String {
        if let envelope = try? JSONDecoder().decode(ErrorEnvelope.self, from: data) { return "\(status): \(envelope.error.message)" }
        return "the server answered \(status)"
    }

    private func fetch(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            guard let http = response as? HTTPURLResponse else { throw Failure(message: "not an HTTP response") }
            return (data, http)
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure(message: "cannot reach \(baseURL.absoluteString): \(error.localizedDescription)")
        }
    }
}

/// Splits a byte stream into SSE `data:` payloads.
struct SSELineSplitter {
    private var buffer = Data()

    /// The payloads of the complete `data:` lines in `chunk` (and what was buffered before it).
    mutating func feed(_ chunk: Data) -> [String] {
        buffer.append(chunk)
        var payloads: [String] = []
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            let lineData = buffer[buffer.startIndex..<newline]
            buffer.removeSubrange(buffer.startIndex...newline)
            var line = String(decoding: lineData, as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.hasPrefix("data:") {
                payloads.append(String(line.dropFirst(5)).trimmingCharacters(in: .whitespaces))
            }
        }
        return payloads
    }
}
