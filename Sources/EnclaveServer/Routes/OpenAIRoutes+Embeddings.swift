// Enclave server: POST /v1/embeddings.

import EnclaveCore
import EnclaveGateway
import EnclaveOpenAI
import Hummingbird

extension OpenAIRoutes {
    /// The most inputs one request may embed (OpenAI's limit).
    static let maxEmbeddingInputs = 2048

    func embeddings(request: Request, context: EnclaveRequestContext) async throws -> Response {
        var request = request
        let principal = try principal(of: context)
        let body = try await RequestBody(maxBodyBytes: limits.maxBodyBytes).decode(EmbeddingRequest.self, from: &request)
        context.stats.update { $0.model = body.model }
        guard principal.mayUse(model: body.model) else { throw InferenceError.unknownModel(body.model) }
        guard let backend = embeddingModels[body.model] else {
            if await gateway.descriptor(of: body.model) != nil {
                throw OpenAIError.invalidRequest(
                    "The model '\(body.model)' is a chat model and cannot make embeddings; use an embedding model"
                        + (embeddingModels.isEmpty ? "." : ": \(embeddingModels.keys.sorted().joined(separator: ", "))."),
                    param: "model",
                    code: "model_not_supported"
                )
            }
            throw InferenceError.unknownModel(body.model)
        }
        context.stats.update { $0.servedModel = body.model }
        let model = backend.descriptor
        if let dimensions = body.dimensions, dimensions != model.dimensions {
            throw OpenAIError.invalidRequest(
                "Invalid 'dimensions': the model '\(model.id)' makes vectors of exactly \(model.dimensions) dimensions and cannot shorten them; leave 'dimensions' out.",
                param: "dimensions",
                code: "unsupported_parameter"
            )
        }
        let sequences = try Self.sequences(of: body.input, for: backend)
        let promptTokens = sequences.reduce(0) { $0 + $1.count }
        context.stats.update { $0.promptTokens = promptTokens }
        let settlement = try await admitEmbeddings(promptTokens: promptTokens, principal: principal, model: model.id)
        let vectors = try await settling(settlement, context: context) {
            try await untilClientLeaves(request, context: context) { try await backend.embed(sequences) }
        }
        metrics.recordEmbeddings(team: principal.primaryTeam?.name, model: model.id, inputs: sequences.count, promptTokens: promptTokens)
        let response = EmbeddingResponse(
            model: model.id,
            vectors: vectors,
            format: body.encodingFormat ?? .float,
            promptTokens: promptTokens
        )
        return withLimitHeaders(try jsonResponse(response), settlement)
    }

    /// The token sequences the model reads for `input`, checked: at least one input and at most
    /// ``maxEmbeddingInputs``, no empty string or token array, token ids inside the vocabulary, and no input
    /// longer than the model's limit.
    static func sequences(of input: EmbeddingInput, for backend: any EmbeddingBackend) throws -> [[Int]] {
        let model = backend.descriptor
        guard input.count > 0 else {
            throw OpenAIError.invalidRequest("Invalid 'input': it is an empty array; send at least one input.", param: "input", code: "invalid_value")
        }
        guard input.count <= maxEmbeddingInputs else {
            throw OpenAIError.invalidRequest(
                "Invalid 'input': \(input.count) inputs, at most \(maxEmbeddingInputs) are allowed per request.",
                param: "input",
                code: "invalid_value"
            )
        }
        func location(_ index: Int) -> String { input.count == 1 && !Self.isArrayOfInputs(input) ? "input" : "input[\(index)]" }
        let sequences: [[Int]]
        switch input {
        case .text(let text):
            sequences = [try checkedText(text, at: "input", backend)]
        case .texts(let texts):
            sequences = try texts.enumerated().map { try checkedText($1, at: "input[\($0)]", backend) }
        case .tokens(let ids):
            sequences = [try checkedTokens(ids, at: "input", model, backend)]
        case .tokenArrays(let arrays):
            sequences = try arrays.enumerated().map { try checkedTokens($1, at: "input[\($0)]", model, backend) }
        }
        for (index, sequence) in sequences.enumerated() where sequence.count > model.maxInputTokens {
            throw OpenAIError.invalidRequest(
                "Invalid '\(location(index))': it is \(sequence.count) tokens long, but the model '\(model.id)' reads at most \(model.maxInputTokens) tokens per input (markers included); shorten or split it.",
                param: location(index),
                code: "context_length_exceeded"
            )
        }
        return sequences
    }

    private static func isArrayOfInputs(_ input: EmbeddingInput) -> Bool {
        switch input {
        case .texts, .tokenArrays: true
        case .text, .tokens: false
        }
    }

    private static func checkedText(_ text: String, at path: String, _ backend: any EmbeddingBackend) throws -> [Int] {
        guard !text.isEmpty else {
            throw OpenAIError.invalidRequest(
                "Invalid '\(path)': the string is empty; every input needs some text.",
                param: path,
                code: "invalid_value"
            )
        }
        return backend.tokenize(text)
    }

    private static func checkedTokens(
        _ ids: [Int],
        at path: String,
        _ model: EmbeddingModelDescriptor,
        _ backend: any EmbeddingBackend
    ) throws -> [Int] {
        guard !ids.isEmpty else {
            throw OpenAIError.invalidRequest("Invalid '\(path)': the token array is empty.", param: path, code: "invalid_value")
        }
        if let bad = ids.firstIndex(where: { !(0..<model.vocabularySize).contains($0) }) {
            throw OpenAIError.invalidRequest(
                "Invalid '\(path)[\(bad)]': token id \(ids[bad]) is outside the vocabulary of '\(model.id)' (0 to \(model.vocabularySize - 1)).",
                param: "\(path)[\(bad)]",
                code: "invalid_value"
            )
        }
        return backend.sequence(forTokenIDs: ids)
    }

    /// Admits an embeddings request by the limits of the principal's key, user and team: its input tokens, no
    /// completion.
    private func admitEmbeddings(promptTokens: Int, principal: Principal, model: String) async throws -> LimitSettlement? {
        guard let limitGate else { return nil }
        let account = UsageAccount(userID: principal.id, teamID: principal.primaryTeam?.id, keyID: principal.keyID, model: model)
        let admission = try await limitGate.admit(limits.subjects(for: account), account: account, promptTokens: promptTokens, maxTokens: 0)
        return LimitSettlement(gate: limitGate, admission: admission)
    }
}
