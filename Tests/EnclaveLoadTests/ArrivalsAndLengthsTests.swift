// Enclave load tests: seeded Poisson arrivals, drawn lengths, objectives and durations.

import EnclaveLoad
import Foundation
import Testing

@Suite struct ArrivalsAndLengthsTests {
    @Test func poissonGapsHaveTheExponentialMeanAndSpread() {
        var arrivals = PoissonArrivals(rate: 20, seed: 3)
        let gaps = (0..<40_000).map { _ in arrivals.nextGap() }
        let mean = gaps.reduce(0, +) / Double(gaps.count)
        let variance = gaps.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(gaps.count - 1)
        #expect(abs(mean - 0.05) / 0.05 < 0.02)
        // An exponential's standard deviation equals its mean.
        #expect(abs(variance.squareRoot() / mean - 1) < 0.03)
        #expect(gaps.allSatisfy { $0 >= 0 })
    }

    @Test func poissonCountsPerWindowHaveDispersionOne() {
        var arrivals = PoissonArrivals(rate: 10, seed: 5)
        let times = arrivals.arrivals(before: 2_000)
        var counts = Array(repeating: 0, count: 2_000)
        for time in times { counts[Int(time)] += 1 }
        let mean = Double(times.count) / 2_000
        let variance = counts.map { (Double($0) - mean) * (Double($0) - mean) }.reduce(0, +) / 1_999
        #expect(abs(mean - 10) < 0.3)
        #expect(abs(variance / mean - 1) < 0.1)
    }

    @Test func sameSeedSameArrivals() {
        var first = PoissonArrivals(rate: 4, seed: 9)
        var second = PoissonArrivals(rate: 4, seed: 9)
        var third = PoissonArrivals(rate: 4, seed: 10)
        let a = first.arrivals(before: 30)
        #expect(a == second.arrivals(before: 30))
        #expect(a != third.arrivals(before: 30))
    }

    @Test func lengthsParseAndStayInRange() throws {
        #expect(try LengthDistribution(parsing: "128", option: "--x") == .fixed(128))
        #expect(try LengthDistribution(parsing: "16:32", option: "--x") == .uniform(16...32))
        #expect(try LengthDistribution(parsing: "normal:100,10", option: "--x") == .normal(mean: 100, deviation: 10))
        for bad in ["0", "-3", "32:16", "x", "normal:1", ""] {
            #expect(throws: LoadConfigurationError.self) { try LengthDistribution(parsing: bad, option: "--x") }
        }
        var generator = SeededGenerator(seed: 1)
        let uniform = (0..<5_000).map { _ in LengthDistribution.uniform(16...32).sample(using: &generator) }
        #expect(uniform.min() == 16 && uniform.max() == 32)
        let normal = (0..<20_000).map { _ in Double(LengthDistribution.normal(mean: 100, deviation: 10).sample(using: &generator)) }
        #expect(abs(normal.reduce(0, +) / 20_000 - 100) < 0.5)
    }

    @Test func objectivesParseAndJudge() throws {
        let slo = try ServiceLevelObjective(parsing: "ttft=500ms,itl=50ms")
        #expect(slo.timeToFirstToken == 0.5 && slo.interTokenLatency == 0.05 && slo.endToEnd == nil)
        #expect(slo.description == "ttft=500ms,itl=50ms")
        var record = RequestRecord(group: "main", index: 0, start: 0, maxTokens: 8)
        record.timeToFirstToken = 0.4
        record.meanInterTokenLatency = 0.04
        record.endToEnd = 1
        #expect(slo.isMet(by: record))
        record.meanInterTokenLatency = 0.06
        #expect(!slo.isMet(by: record))
        record.meanInterTokenLatency = 0.04
        record.failure = .stalled
        #expect(!slo.isMet(by: record))
        #expect(throws: LoadConfigurationError.self) { try ServiceLevelObjective(parsing: "speed=1s") }
        #expect(throws: LoadConfigurationError.self) { try ServiceLevelObjective(parsing: "ttft=fast") }
    }

    @Test func durationsParse() throws {
        #expect(try DurationText.seconds("500ms", option: "--d") == 0.5)
        #expect(try DurationText.seconds("30m", option: "--d") == 1_800)
        #expect(try DurationText.seconds("2", option: "--d") == 2)
        #expect(throws: LoadConfigurationError.self) { try DurationText.seconds("soon", option: "--d") }
        #expect(DurationText.format(1_800) == "30m")
    }

    @Test func syntheticPromptsHaveTheirLengthAndDiffer() {
        var generator = SeededGenerator(seed: 2)
        let source = PromptSource.synthetic(words: .fixed(50))
        let first = source.prompt(0, using: &generator)
        let second = source.prompt(1, using: &generator)
        #expect(first.flattened.split(separator: " ").count == 50)
        #expect(first != second)
    }

    @Test func replayFileIsReadAndBadLinesAreNamed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.jsonl")
        try Data(
            """
            {"prompt": "hello there", "max_tokens": 7}

            {"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}]}
            """.utf8
        ).write(to: good)
        guard case .replay(let prompts) = try PromptSource.replaying(contentsOf: good) else {
            Issue.record("not a replay")
            return
        }
        #expect(prompts.count == 2)
        #expect(prompts[0].maxTokens == 7)
        #expect(prompts[1].messages.map(\.role) == ["system", "user"])
        let bad = directory.appendingPathComponent("bad.jsonl")
        try Data("{\"prompt\": \"ok\"}\nnot json\n".utf8).write(to: bad)
        #expect {
            try PromptSource.replaying(contentsOf: bad)
        } throws: { error in
            (error as? LoadConfigurationError)?.message.contains("line 2") == true
        }
    }

    @Test func workloadBodyAsksForUsageWhenStreaming() throws {
        var generator = SeededGenerator(seed: 4)
        let workload = Workload(apiKey: nil, model: "m", prompts: .synthetic(words: .fixed(3)), maxTokens: .fixed(9))
        let (body, maxTokens) = workload.body(0, using: &generator)
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(maxTokens == 9)
        #expect(object["stream"] as? Bool == true)
        #expect((object["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        #expect((object["messages"] as? [[String: Any]])?.count == 1)
    }
}
