// Enclave backends: the sanity generation that makes an embedded model ready.

import EnclaveCore
import EnclaveEngine

extension EmbeddedBackend {
    /// The fixed prompt of the sanity generation.
    public static let sanityPrompt = "The capital of France is"
    /// How many tokens the sanity generation asks for.
    public static let sanityTokens = 4

    /// Runs a short greedy generation through the real runner (``sanityTokens`` tokens after ``sanityPrompt``,
    /// end-of-generation tokens included) and checks that every token's log probability, and its best
    /// alternative's, is finite: a model whose weights or kernels produce NaN or infinite logits fails here
    /// instead of serving garbage. The caller bounds the time (``LoadingBackend`` does).
    /// - Throws: ``ModelLoadFailure`` saying what failed; `CancellationError` when cancelled.
    public func checkHealth() async throws {
        let prompt = engine.textPrompt(Self.sanityPrompt)
        var sampling = SamplingParameters.greedy
        sampling.topLogprobs = 1
        let events: AsyncThrowingStream<TokenEvent, any Error>
        do {
            events = try engine.runner.submit(
                TokenRequest(prompt: prompt, maxTokens: Self.sanityTokens, sampling: sampling, stopTokens: [])
            )
        } catch {
            throw ModelLoadFailure(reason: "the model's sanity generation could not start", detail: "\(error)")
        }
        var generated = 0
        do {
            for try await event in events {
                guard case .token(let token) = event else { continue }
                generated += 1
                let values = [token.logprob] + token.topLogprobs.map(\.logprob)
                guard values.allSatisfy(\.isFinite) else {
                    throw ModelLoadFailure(
                        reason: "the model's sanity generation produced non-finite logits",
                        detail: "token \(generated) of the sanity generation has log probabilities \(values)"
                    )
                }
            }
        } catch let failure as ModelLoadFailure {
            throw failure
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ModelLoadFailure(reason: "the model's sanity generation failed", detail: "\(error)")
        }
        try Task.checkCancellation()
        guard generated == Self.sanityTokens else {
            throw ModelLoadFailure(
                reason: "the model's sanity generation ended early",
                detail: "the sanity generation produced \(generated) of \(Self.sanityTokens) tokens"
            )
        }
    }
}

extension EmbeddedBackend {
    /// A load error of the engine as a failure whose reason names the stage and kind, never the file.
    static func loadFailure(_ error: any Error) -> ModelLoadFailure {
        let reason: String
        switch error {
        case let e as GGUFError:
            switch e.code {
            case .cannotOpen: reason = "the model file could not be opened (it must be a readable regular file)"
            case .notGGUF: reason = "the model file is not a GGUF file"
            case .truncated: reason = "the model file is truncated"
            case .corrupt: reason = "the model file is corrupt"
            case .unsupportedVersion, .unsupportedType: reason = "the model file uses a GGUF feature this engine does not support"
            default: reason = "the model file lacks a required key or tensor"
            }
        case let e as ModelError:
            reason = "the engine cannot run this model (\(e.code))"
        case is ChatTemplateError:
            reason = "the model's chat template cannot be used"
        default:
            reason = "the model could not be loaded"
        }
        return ModelLoadFailure(reason: reason, detail: "\(error)")
    }
}
