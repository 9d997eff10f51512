// Enclave: `enclave bench run`: its options checked and turned into load plans.

import ArgumentParser
import EnclaveLoad
import Foundation

extension BenchRunCommand {
    /// The checked options.
    struct Settings {
        var mode: String
        var levels: [Int]
        var duration: Double?
        var requests: Int?
        var timeout: Double
        var stallTimeout: Double
        var connectTimeout: Double
        var sampleInterval: Double
        var slo: ServiceLevelObjective?
        var endpoint: CompletionEndpoint
        var prompts: PromptSource
        var maxTokens: LengthDistribution
        var heavyMaxTokens: LengthDistribution
        var lightMaxTokens: LengthDistribution
        var peakConcurrency: Int
    }

    func settings() throws -> Settings {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw ValidationError("--url needs an http(s) URL such as http://127.0.0.1:8080, got '\(url)'")
        }
        guard let endpoint = CompletionEndpoint(rawValue: endpoint) else { throw ValidationError("--endpoint is chat or completions") }
        let levels = try PositiveIntegerList.parse(concurrency, option: "--concurrency", maximum: 10_000)
        do {
            var mode = rate == nil ? "closed" : "open"
            var duration = try self.duration.map { try DurationText.seconds($0, option: "--duration") }
            if let soak {
                mode = "soak"
                duration = try DurationText.seconds(soak, option: "--soak")
                guard levels.count == 1 else { throw LoadConfigurationError("--soak runs one level: give one --concurrency") }
            }
            if let scenario {
                guard scenario == "fairness" else { throw LoadConfigurationError("--scenario knows only fairness, not '\(scenario)'") }
                guard key2 != nil else { throw LoadConfigurationError("--scenario fairness needs --key2 for the light user") }
                guard rate == nil, soak == nil else { throw LoadConfigurationError("--scenario fairness is a closed loop of its own") }
                guard heavyConcurrency >= 0, lightConcurrency >= 1 else {
                    throw LoadConfigurationError("--heavy-concurrency must be at least 0 and --light-concurrency at least 1")
                }
                mode = "fairness"
            }
            if let rate, !(rate > 0 && rate.isFinite) { throw LoadConfigurationError("--rate needs a positive number of requests per second") }
            if rate != nil && levels.count > 1 { throw LoadConfigurationError("--rate and a --concurrency sweep exclude each other") }
            if let requests, requests < 1 { throw LoadConfigurationError("--requests needs a positive count") }
            if warmup < 0 { throw LoadConfigurationError("--warmup cannot be negative") }
            if duration == 0 { throw LoadConfigurationError("--duration must be longer than zero") }
            if !(0...1).contains(maxErrorRate) { throw LoadConfigurationError("--max-error-rate is a share from 0 to 1") }
            if duration == nil && requests == nil { duration = 30 }
            let promptSource: PromptSource =
                try prompts.map { try PromptSource.replaying(contentsOf: URL(fileURLWithPath: $0)) }
                ?? .synthetic(words: LengthDistribution(parsing: promptTokens, option: "--prompt-tokens"))
            let peak = mode == "fairness" ? heavyConcurrency + lightConcurrency : rate == nil ? (levels.max() ?? 1) : maxInFlight
            return Settings(
                mode: mode,
                levels: levels,
                duration: duration,
                requests: requests,
                timeout: try DurationText.seconds(timeout, option: "--timeout"),
                stallTimeout: try DurationText.seconds(stallTimeout, option: "--stall-timeout"),
                connectTimeout: try DurationText.seconds(connectTimeout, option: "--connect-timeout"),
                sampleInterval: max(0.1, try DurationText.seconds(sampleInterval, option: "--sample-interval")),
                slo: try slo.map { try ServiceLevelObjective(parsing: $0) },
                endpoint: endpoint,
                prompts: promptSource,
                maxTokens: try LengthDistribution(parsing: maxTokens, option: "--max-tokens"),
                heavyMaxTokens: try LengthDistribution(parsing: heavyMaxTokens, option: "--heavy-max-tokens"),
                lightMaxTokens: try LengthDistribution(parsing: lightMaxTokens, option: "--light-max-tokens"),
                peakConcurrency: peak
            )
        } catch let error as LoadConfigurationError {
            throw ValidationError(error.message)
        }
    }

    /// The plans of the run, each with its label, concurrency and rate for the report.
    func plans(_ settings: Settings, model: String) -> [(label: String, concurrency: Int?, plan: LoadPlan)] {
        func workload(_ name: String, key: String?, concurrency: Int, maxTokens: LengthDistribution) -> Workload {
            Workload(
                name: name,
                apiKey: key,
                model: model,
                endpoint: settings.endpoint,
                stream: !noStream,
                prompts: settings.prompts,
                maxTokens: maxTokens,
                temperature: temperature,
                concurrency: concurrency
            )
        }
        func plan(_ workloads: [Workload], rate: Double? = nil) -> LoadPlan {
            LoadPlan(
                workloads: workloads,
                rate: rate,
                duration: settings.duration,
                requests: settings.requests,
                warmupRequests: warmup,
                maximumInFlight: maxInFlight,
                seed: seed
            )
        }
        if settings.mode == "fairness" {
            let heavy = workload("heavy", key: key, concurrency: heavyConcurrency, maxTokens: settings.heavyMaxTokens)
            let light = workload("light", key: key2, concurrency: lightConcurrency, maxTokens: settings.lightMaxTokens)
            return [("fairness", nil, plan([heavy, light]))]
        }
        if let rate {
            return [("rate \(rate)/s", nil, plan([workload("main", key: key, concurrency: 1, maxTokens: settings.maxTokens)], rate: rate))]
        }
        return settings.levels.map { level in
            ("concurrency \(level)", level, plan([workload("main", key: key, concurrency: level, maxTokens: settings.maxTokens)]))
        }
    }
}
