// Enclave: a small OpenAI-API client for `enclave chat`, streaming with URLSession.

import EnclaveCore
import EnclaveOpenAI
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
        guard let first = try JSONDecoder().decode(ModelList.self, from: data).data.first else {
            throw Failure(message: "the server serves no models")
        }
        return first.id
    }

    /// Streams a chat completion, calling `onText` with each piece; returns the whole reply.
    func streamChat(
        model: String,
        messages: [ChatTurn],
        temperature: Double?,
        maxTokens: Int?,
        onText: (String) -> Void
    ) async throws -> String {
        var request = URLRequest(url: baseURL.appendingPathComponent("v1/chat/completions"))
        request.httpMethod = "POST"
        request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let body = ChatCompletionRequest(
            model: model,
            messages: messages.map { .init(role: $0.role, content: .text($0.content)) },
            temperature: temperature,
            maxTokens: maxTokens,
            stream: true
        )
        request.httpBody = try JSONEncoder.openAI().encode(body)

        let stream = EventStream(request: request)
        defer { stream.cancel() }
        var reply = ""
        var parser = ServerSentEventParser()
        for try await chunk in stream.chunks {
            if let status = stream.status, status != 200 {
                var body = chunk
                for try await more in stream.chunks { body += more }
                throw Failure(message: Self.errorMessage(body, status: status))
            }
            for payload in parser.feed(chunk) {
                if payload == ServerSentEvents.donePayload { return reply }
                let event: ChatCompletionChunk
                do {
                    event = try ServerSentEventParser.decode(payload, as: ChatCompletionChunk.self)
                } catch let error as OpenAIError {
                    throw Failure(message: error.message)
                }
                if let text = event.choices.first?.delta.content, !text.isEmpty {
                    reply += text
                    onText(text)
                }
            }
        }
        if let status = stream.status, status != 200 { throw Failure(message: "the server answered \(status)") }
        return reply
    }

    static func errorMessage(_ data: Data, status: Int) -> String {
        if let error = OpenAIError.decode(data, status: status) { return "\(status): \(error.message)" }
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
