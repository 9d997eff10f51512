// Enclave upstream: turning an upstream's chunks into deltas, and remembering the finish and the usage.

import EnclaveCore
import Foundation

/// Reads each payload of an upstream answer: a chunk's text becomes a delta at once, the finish reason and
/// the usage (the `include_usage` chunk) are kept for the final event, an `error` payload ends the answer,
/// `[DONE]` marks its end.
struct UpstreamAccumulator {
    /// What reading a payload means for the stream.
    enum Step: Equatable {
        case more
        case done
    }

    private(set) var finishReason: FinishReason?
    private(set) var promptTokens: Int?
    private(set) var completionTokens: Int?
    private(set) var deltas = 0
    /// Whether a delta went to the client (from then on nothing may be retried).
    private(set) var streamed = false
    private(set) var sawDone = false
    /// Why the answer cannot go on (an error event, a chunk that is not JSON).
    private(set) var problem: String?

    /// What the prompt is taken to cost when the upstream reports no usage (llama.cpp's server ignores
    /// `include_usage` when streaming): an estimate, see ``estimatedTokens(of:)``.
    let promptEstimate: Int

    init(promptEstimate: Int = 0) {
        self.promptEstimate = promptEstimate
    }

    /// The usage: the upstream's, or (when it sent none) the prompt's estimate and the deltas as completion
    /// tokens (servers send one delta per token).
    var usage: InferenceUsage {
        InferenceUsage(promptTokens: promptTokens ?? promptEstimate, completionTokens: completionTokens ?? deltas)
    }

    /// A prompt's tokens without its tokenizer: a quarter of its UTF-8 bytes (English text with a BPE
    /// vocabulary averages about four bytes per token) plus four per chat turn for the template's markers.
    static func estimatedTokens(of prompt: InferencePrompt) -> Int {
        switch prompt {
        case .chat(let turns):
            turns.reduce(0) { $0 + ($1.content.utf8.count + 3) / 4 + 4 }
        case .text(let text):
            max(1, (text.utf8.count + 3) / 4)
        }
    }

    mutating func take(
        _ payload: [UInt8],
        decoder: JSONDecoder,
        into continuation: AsyncThrowingStream<InferenceEvent, any Error>.Continuation
    ) -> Step {
        if payload.elementsEqual("[DONE]".utf8) {
            sawDone = true
            return .done
        }
        let data = Data(payload)
        guard let chunk = try? decoder.decode(UpstreamChunk.self, from: data), chunk.choices != nil || chunk.usage != nil else {
            // Not a chunk: an error event (`{"error": ...}`) or garbage; either way the answer cannot go on.
            let failure = try? decoder.decode(UpstreamErrorBody.self, from: data)
            problem = failure?.error?.message ?? failure?.message ?? "the upstream sent a chunk that is not a completion chunk"
            return .done
        }
        let text = chunk.text
        if !text.isEmpty {
            deltas += 1
            streamed = true
            continuation.yield(.delta(text: text, logprobs: []))
        }
        if let reason = chunk.finishReason {
            finishReason = reason == "length" ? .length : .stop
        }
        if let usage = chunk.usage {
            promptTokens = usage.promptTokens ?? promptTokens
            completionTokens = usage.completionTokens ?? completionTokens
        }
        return .more
    }
}
