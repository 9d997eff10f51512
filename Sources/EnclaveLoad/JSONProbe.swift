// Enclave load: quick looks into JSON bytes, for the few fields a load tester needs.

import Foundation

/// Finds keys in JSON text without building the whole object; falls back to `JSONSerialization` for usage and
/// errors, which arrive once per request.
enum JSONProbe {
    /// Whether `needle` occurs in `bytes`.
    static func contains(_ bytes: ArraySlice<UInt8>, _ needle: String) -> Bool {
        firstIndex(of: Array(needle.utf8), in: bytes, from: bytes.startIndex) != nil
    }

    /// Whether some `"key": "..."` in `bytes` has a string value of at least one character.
    static func hasNonEmptyString(_ bytes: ArraySlice<UInt8>, key: String) -> Bool {
        let pattern = Array("\"\(key)\"".utf8)
        var from = bytes.startIndex
        while let found = firstIndex(of: pattern, in: bytes, from: from) {
            var cursor = found + pattern.count
            cursor = skipSpaces(bytes, cursor)
            if cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: ":") {
                cursor = skipSpaces(bytes, cursor + 1)
                if cursor + 1 < bytes.endIndex, bytes[cursor] == UInt8(ascii: "\""), bytes[cursor + 1] != UInt8(ascii: "\"") {
                    return true
                }
            }
            from = found + pattern.count
        }
        return false
    }

    /// The usage counts of a chunk or answer, if it has a `usage` object.
    static func usage(_ bytes: ArraySlice<UInt8>) -> StreamEventScanner.Event? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let usage = object["usage"] as? [String: Any]
        else { return nil }
        return .usage(prompt: (usage["prompt_tokens"] as? NSNumber)?.intValue, completion: (usage["completion_tokens"] as? NSNumber)?.intValue)
    }

    /// The message of an `{"error": ...}` object (or the error string itself).
    static func errorMessage(_ bytes: ArraySlice<UInt8>) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], let error = object["error"] else {
            return nil
        }
        if let text = error as? String { return text }
        if let body = error as? [String: Any] { return (body["message"] as? String) ?? "an error without a message" }
        return nil
    }

    private static func skipSpaces(_ bytes: ArraySlice<UInt8>, _ index: Int) -> Int {
        var cursor = index
        while cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: " ") || bytes[cursor] == UInt8(ascii: "\t") { cursor += 1 }
        return cursor
    }

    private static func firstIndex(of pattern: [UInt8], in bytes: ArraySlice<UInt8>, from: Int) -> Int? {
        guard let first = pattern.first, pattern.count <= bytes.count else { return nil }
        var index = from
        let last = bytes.endIndex - pattern.count
        while index <= last {
            if bytes[index] == first {
                var matched = true
                for offset in 1..<pattern.count where bytes[index + offset] != pattern[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}
