// Enclave: the status as OpenAI's rate-limit headers.

public import Foundation

extension LimitStatus {
    /// The `x-ratelimit-*` headers as OpenAI sends them, in its order: `x-ratelimit-limit-requests`,
    /// `x-ratelimit-limit-tokens`, `x-ratelimit-remaining-requests`, `x-ratelimit-remaining-tokens`,
    /// `x-ratelimit-reset-requests`, `x-ratelimit-reset-tokens`. A trio is left out when no limit of its
    /// kind applies. Resets are durations such as `1s`, `250ms` or `6m0s`.
    ///
    /// ```swift
    /// for (name, value) in status.headerFields { response.headers[name] = value }
    /// ```
    public var headerFields: [(name: String, value: String)] {
        var limits: [(name: String, value: String)] = []
        var remaining: [(name: String, value: String)] = []
        var resets: [(name: String, value: String)] = []
        for (suffix, window) in [("requests", requests), ("tokens", tokens)] {
            guard let window else { continue }
            limits.append(("x-ratelimit-limit-\(suffix)", String(window.maximum)))
            remaining.append(("x-ratelimit-remaining-\(suffix)", String(max(0, window.remaining))))
            resets.append(("x-ratelimit-reset-\(suffix)", Self.duration(window.resetAfter)))
        }
        return limits + remaining + resets
    }

    /// A duration as OpenAI's headers write it (Go's notation), to the millisecond, rounded up: `0s`,
    /// `12ms`, `1s`, `1.5s`, `6m0s`, `1h0m0s`, `26h3m20.5s`.
    public static func duration(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite, seconds > 0 else { return "0s" }
        // A microsecond of slack, so that rounding noise (12.000000000000002 s) does not add a millisecond.
        let milliseconds = Int(min((seconds * 1000 - 1e-3).rounded(.up), 1e15))
        guard milliseconds > 0 else { return "0s" }
        guard milliseconds >= 1000 else { return "\(milliseconds)ms" }
        let hours = milliseconds / 3_600_000
        let minutes = milliseconds / 60_000 % 60
        let wholeSeconds = milliseconds / 1000 % 60
        let fraction = milliseconds % 1000
        var text = ""
        if hours > 0 { text += "\(hours)h" }
        if hours > 0 || minutes > 0 { text += "\(minutes)m" }
        text += String(wholeSeconds)
        if fraction > 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 3 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "s"
    }
}
