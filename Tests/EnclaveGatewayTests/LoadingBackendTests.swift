// Enclave gateway: a model's load, its health check and its time bound.

import EnclaveCore
import EnclaveGateway
import EnclaveTesting
import Foundation
import Testing

@Suite struct LoadingBackendTests {
    @Test func reportsLoadingThenDelegates() async throws {
        let loading = LoadingBackend(
            model: ModelConfiguration(id: "m", file: "m.gguf", contextLength: 128),
            now: { Date(timeIntervalSince1970: 1_234) }
        )
        #expect(await loading.state(of: "m") == .loading)
        #expect(await loading.state(of: "other") == nil)
        #expect(await loading.models().map(\.id) == ["m"])
        #expect(await loading.models().first?.created == 1_234)
        await #expect(throws: InferenceError.notReady("m")) { try await loading.prepare(request(model: "m")) }

        let real = ScriptedBackend(models: [.init(id: "m", contextLength: 99)], capacity: 3)
        #expect(await loading.load { real } == nil)
        #expect(await loading.state(of: "m") == .ready)
        #expect(await loading.models().first?.contextLength == 99)
        #expect(loading.capacity == 3)
        _ = try await loading.prepare(request(model: "m"))
        #expect(real.counts.prepared == 1)
    }

    @Test func reportsAFailedBuild() async throws {
        let loading = LoadingBackend(model: ModelConfiguration(file: "x.gguf"))
        await loading.load { throw ModelLoadFailure(reason: "no engine") }
        #expect(await loading.state(of: "x") == .failed("no engine"))
        await #expect(throws: InferenceError.unavailable("x", reason: "no engine")) { try await loading.prepare(request(model: "x")) }
    }

    @Test func aFailedHealthCheckFailsTheModelAndStopsItsBackend() async throws {
        let loading = LoadingBackend(model: ModelConfiguration(id: "m", file: "m.gguf"))
        let real = ScriptedBackend(models: [.init(id: "m")])
        real.setHealthCheck { throw ModelLoadFailure(reason: "the model's sanity generation produced non-finite logits") }
        let failure = await loading.load { real }
        #expect(failure?.reason == "the model's sanity generation produced non-finite logits")
        #expect(await loading.state(of: "m") == .failed("the model's sanity generation produced non-finite logits"))
        #expect(real.shutdownCount == 1)
        #expect(real.counts.prepared == 0)
    }

    /// The time bound runs on the injected clock: the test moves it instead of waiting two minutes.
    @Test func aHealthCheckThatDoesNotFinishInTimeFailsTheModel() async throws {
        let clock = ManualClock()
        let loading = LoadingBackend(
            model: ModelConfiguration(id: "m", file: "m.gguf"),
            configuration: .init(healthCheckTimeout: .seconds(30))
        )
        let real = ScriptedBackend(models: [.init(id: "m")])
        // A check that never ends on its own (it sleeps on the same manual clock, which is never moved that far).
        real.setHealthCheck { try await clock.sleep(for: .seconds(3600)) }
        let load = Task { await loading.load(clock: clock) { real } }
        await clock.waitForSleepers(2)
        #expect(await loading.state(of: "m") == .loading)
        clock.advance(by: .seconds(29))
        #expect(await loading.state(of: "m") == .loading)
        clock.advance(by: .seconds(1))
        let failure = await load.value
        #expect(failure?.reason == "the model's sanity generation did not finish within 30.0 seconds")
        #expect(await loading.state(of: "m") == .failed("the model's sanity generation did not finish within 30.0 seconds"))
        #expect(real.shutdownCount == 1)
        #expect(clock.sleeperCount == 0)
    }
}
