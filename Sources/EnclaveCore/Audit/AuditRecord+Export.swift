// Enclave: an audit record as JSON, for `enclave audit export` and `GET /admin/v1/audit`.

public import Foundation

extension AuditRecord {
    /// The record as one JSON object: the canonical fields (``AuditCanonicalEncoding``) plus `time` (ISO
    /// 8601, UTC, milliseconds), `previous_hash` and `hash` (hex). Written with ``AuditJSON/canonicalText``
    /// it is one JSONL line that anyone can check: drop `time`, `previous_hash` and `hash`, hash the rest's
    /// canonical bytes followed by the previous hash's bytes.
    public var exportJSON: AuditJSON {
        let canonical = AuditCanonicalEncoding.bytes(of: self)
        var members: [String: AuditJSON] = [:]
        if let decoded = try? JSONDecoder().decode(AuditJSON.self, from: Data(canonical)), case .object(let fields) = decoded {
            members = fields
        }
        members["time"] = .string(AuditTime.format(entry.time))
        members["previous_hash"] = .string(previousHash.hex)
        members["hash"] = .string(hash.hex)
        return .object(members)
    }
}

/// Times in the audit log's exports and queries.
public enum AuditTime {
    /// `date` as ISO 8601 in UTC with milliseconds (`2026-12-03T14:57:53.123Z`).
    public static func format(_ date: Date) -> String {
        // From whole milliseconds, so that a stored time prints the same digits everywhere.
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let (whole, rest) = fraction < 0 ? (seconds - 1, fraction + 1000) : (seconds, fraction)
        let base = Date(timeIntervalSince1970: Double(whole)).formatted(Date.ISO8601FormatStyle())
        let digits = String(rest)
        return base.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// A time written as a day (`2026-12-03`, its start in UTC) or as ISO 8601 with a time zone
    /// (`2026-12-03T14:00:00Z`, with or without fractional seconds); `nil` for anything else.
    public static func parse(_ text: String) -> Date? {
        if let day = UsageDay(text) { return day.start }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return AuditEntry.milliseconds(date)
        }
        return try? Date(text, strategy: Date.ISO8601FormatStyle())
    }
}
