// Enclave: the exact bytes an audit record's hash is computed over.

/// The canonical encoding of an audit record: compact JSON (no whitespace) of one object whose keys are
/// sorted by their UTF-8 bytes and always present (an absent value is `null`):
///
///     {"action":…,"after":…,"before":…,"client":…,"completion_tokens":…,"key_id":…,"latency_ms":…,
///      "model":…,"outcome":…,"prompt_tokens":…,"reason":…,"request_id":…,"sequence":…,"session_id":…,
///      "status":…,"target":…,"time_ms":…,"user_id":…,"v":1}
///
/// Integers are written in decimal without leading zeros; `time_ms` is milliseconds since 1970 (UTC).
/// Strings are written with `"` and `\` escaped as `\"` and `\\`, the control characters U+0000 to U+001F
/// as `\u00xx` (lowercase hex), and everything else as its UTF-8 bytes. Nested objects (`before`,
/// `after`) follow the same rules recursively. `v` is the encoding's version; a new version will only
/// ever be used for records appended after it exists. The hashes are not part of the encoding.
public enum AuditCanonicalEncoding {
    /// The encoding's version, written as `"v"`.
    public static let version: Int64 = 1

    /// The canonical bytes of a record (without its hashes).
    public static func bytes(of record: AuditRecord) -> [UInt8] {
        let entry = record.entry
        func integer(_ value: Int?) -> AuditJSON { value.map { .integer(Int64($0)) } ?? .null }
        let fields: [String: AuditJSON] = [
            "action": .string(entry.action.rawValue),
            "after": entry.after ?? .null,
            "before": entry.before ?? .null,
            "client": .nullable(entry.actor.clientAddress),
            "completion_tokens": integer(entry.completionTokens),
            "key_id": .nullable(entry.actor.keyID),
            "latency_ms": integer(entry.latencyMilliseconds),
            "model": .nullable(entry.model),
            "outcome": .string(entry.outcome.rawValue),
            "prompt_tokens": integer(entry.promptTokens),
            "reason": .nullable(entry.reason),
            "request_id": .nullable(entry.requestID),
            "sequence": .integer(record.sequence),
            "session_id": .nullable(entry.actor.sessionID),
            "status": integer(entry.status),
            "target": .nullable(entry.target),
            "time_ms": .integer(entry.timeMilliseconds),
            "user_id": .nullable(entry.actor.userID),
            "v": .integer(version),
        ]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(384)
        write(.object(fields), to: &bytes)
        return bytes
    }

    /// Appends the canonical JSON of `value` to `bytes`.
    public static func write(_ value: AuditJSON, to bytes: inout [UInt8]) {
        switch value {
        case .null: bytes += Array("null".utf8)
        case .bool(let flag): bytes += Array((flag ? "true" : "false").utf8)
        case .integer(let number): bytes += Array(String(number).utf8)
        case .string(let text): writeString(text, to: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            // Sorted by UTF-8 bytes, not by Swift's String ordering (which compares Unicode scalars canonically).
            let keys = members.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            for (index, key) in keys.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                write(members[key] ?? .null, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ text: String, to bytes: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x00..<0x20: bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
