// Enclave load: what one group of simulated users sends, and how a request body is built from it.

public import Foundation

/// The API a load test calls.
public enum CompletionEndpoint: String, Sendable, CaseIterable {
    /// `POST /v1/chat/completions` with messages.
    case chat
    /// `POST /v1/completions` with a prompt.
    case completions

    /// The path under the server's base URL.
    public var path: String { self == .chat ? "/v1/chat/completions" : "/v1/completions" }
}

/// One group of load: whose key, what it asks for, and how many requests it keeps in flight.
public struct Workload: Sendable {
    /// The group's name in reports (`main`, `heavy`, `light`).
    public var name: String
    /// The bearer key (`nil`: none sent).
    public var apiKey: String?
    /// The model id to ask for.
    public var model: String
    /// The endpoint.
    public var endpoint: CompletionEndpoint
    /// Streaming (SSE) or whole answers.
    public var stream: Bool
    /// The prompts.
    public var prompts: PromptSource
    /// `max_tokens` of each request (a file's own value wins when it has one).
    public var maxTokens: LengthDistribution
    /// Sampling temperature sent with every request (`nil`: the server's default).
    public var temperature: Double?
    /// Requests kept in flight (closed loop).
    public var concurrency: Int

    /// A workload; see each property.
    public init(
        name: String = "main",
        apiKey: String?,
        model: String,
        endpoint: CompletionEndpoint = .chat,
        stream: Bool = true,
        prompts: PromptSource,
        maxTokens: LengthDistribution,
        temperature: Double? = nil,
        concurrency: Int = 1
    ) {
        self.name = name
        self.apiKey = apiKey
        self.model = model
        self.endpoint = endpoint
        self.stream = stream
        self.prompts = prompts
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.concurrency = concurrency
    }

    /// The JSON body of request `index` and its `max_tokens`.
    public func body(_ index: Int, using generator: inout SeededGenerator) -> (body: Data, maxTokens: Int) {
        let prompt = prompts.prompt(index, using: &generator)
        let maxTokens = prompt.maxTokens ?? self.maxTokens.sample(using: &generator)
        var object: [String: Any] = ["model": model, "max_tokens": maxTokens, "stream": stream]
        switch endpoint {
        case .chat: object["messages"] = prompt.messages.map { ["role": $0.role, "content": $0.content] }
        case .completions: object["prompt"] = prompt.flattened
        }
        if stream { object["stream_options"] = ["include_usage": true] }
        if let temperature { object["temperature"] = temperature }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return (data, maxTokens)
    }
}
