// Enclave: `enclave bench run`: the run itself, its progress line, its outputs and its exit status.

import AsyncHTTPClient
import EnclaveLoad
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension BenchRunCommand {
    /// Runs every level and writes the outputs; returns the exit status.
    func run(_ settings: Settings, client: HTTPClient) async throws -> Int32 {
        let answer = try await ServerProbe(client: client).probe(baseURL: url, apiKey: key, timeout: max(settings.connectTimeout, 10))
        guard let model = model ?? answer.models.first else {
            throw CommandFailure("--model is needed: \(url)/v1/models answered \(answer.status) and listed no model")
        }
        let sender = HTTPCompletionSender(client: client, baseURL: url, timeout: settings.timeout)
        let runner = LoadRunner(sender: sender)
        let showProgress = progress || isatty(STDERR_FILENO) == 1
        let onTerminal = isatty(STDERR_FILENO) == 1
        var summaries: [LevelSummary] = []
        var recorded: [(label: String, records: [RequestRecord])] = []
        var samples: [ResourceSample]?
        for (label, concurrency, plan) in plans(settings, model: model) {
            let ticker = LoadProgressLine(label: label, enabled: showProgress, terminal: onTerminal)
            let sampler =
                settings.mode == "soak"
                ? ResourceSampler(
                    client: client,
                    metricsURL: url.trimmingSuffix("/") + "/metrics",
                    apiKey: key,
                    pid: pid,
                    interval: settings.sampleInterval
                ) : nil
            let sampling = sampler.map { sampler in Task { await sampler.run() } }
            let result = await runner.run(plan) { ticker.show($0) }
            sampling?.cancel()
            _ = await sampling?.value
            ticker.end()
            samples = sampler?.taken
            recorded.append((label, result.records))
            if settings.mode == "fairness" {
                for workload in plan.workloads {
                    summaries.append(
                        LevelSummary(
                            label: workload.name,
                            concurrency: workload.concurrency,
                            rate: nil,
                            records: result.records.filter { $0.group == workload.name },
                            gaps: result.interTokenGaps[workload.name] ?? LatencyHistogram(),
                            elapsed: result.elapsed,
                            slo: settings.slo
                        )
                    )
                }
            } else {
                summaries.append(
                    LevelSummary(
                        label: label,
                        concurrency: concurrency,
                        rate: plan.rate,
                        records: result.records,
                        gaps: result.interTokenGaps["main"] ?? LatencyHistogram(),
                        elapsed: result.elapsed,
                        slo: settings.slo
                    )
                )
            }
        }
        let report = LoadReport(url: url, model: model, mode: settings.mode, stream: !noStream, levels: summaries, resources: samples)
        if json {
            Console.print(String(decoding: report.json(), as: UTF8.self))
        } else {
            Console.print(report.table())
        }
        if let out { try write(report, recorded: recorded, to: out) }
        return exitStatus(report)
    }

    /// 2 when no request reached the server, 1 above the error rate, else 0 (with the reason on standard error).
    func exitStatus(_ report: LoadReport) -> Int32 {
        let finished = report.levels.reduce(0) { $0 + $1.requests }
        let failed = report.levels.reduce(0) { $0 + $1.errors }
        let unreachable = report.levels.reduce(0) { $0 + ($1.errorsByKind["connection"] ?? 0) }
        if finished > 0 && unreachable == finished {
            Console.error("Error: every request failed to connect to \(url)")
            return 2
        }
        let rate = finished == 0 ? 0 : Double(failed) / Double(finished)
        if rate > maxErrorRate {
            Console.error(
                "Error: \(failed) of \(finished) requests failed (\(Int((rate * 100).rounded()))%, above --max-error-rate \(maxErrorRate))"
            )
            return 1
        }
        if finished == 0 {
            Console.error("Error: no request finished within the run")
            return 1
        }
        return 0
    }

    private func write(_ report: LoadReport, recorded: [(label: String, records: [RequestRecord])], to path: String) throws {
        let directory = URL(fileURLWithPath: path, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(RequestTable.csv(recorded).utf8).write(to: directory.appendingPathComponent("requests.csv"))
            try report.json().write(to: directory.appendingPathComponent("summary.json"))
            let plot = LatencyPlot(title: "Latency over time: \(report.mode) load, \(report.model)", records: recorded.flatMap(\.records))
            let png = PNGPlotWriter.png(plot)
            try Data(SVGPlotWriter.svg(plot).utf8).write(to: directory.appendingPathComponent("latency.svg"))
            try Data(png).write(to: directory.appendingPathComponent("latency.png"))
            try Data(HTMLReportWriter.html(report, plot: plot, png: png).utf8).write(to: directory.appendingPathComponent("report.html"))
            if let samples = report.resources {
                var csv = "time_s,rss_bytes,metrics\n"
                for sample in samples {
                    let metrics = (sample.metrics ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                    csv += "\(sample.timeS),\(sample.rssBytes.map(String.init) ?? ""),\(metrics)\n"
                }
                try Data(csv.utf8).write(to: directory.appendingPathComponent("resources.csv"))
            }
        } catch {
            throw CommandFailure("cannot write the results to \(path): \(error.localizedDescription)")
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
