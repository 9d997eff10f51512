// Enclave: typed reading of YAML nodes, with errors that name the key and the line.

import Foundation
import Yams

/// Reads typed values out of a composed YAML document. Every error names the source, the line of the
/// offending node and its key path; every string value goes through ``EnvironmentSubstitution``.
struct ConfigurationReader {
    let source: String
    let environment: [String: String]

    /// A mapping's entries by key, after checking that every key is known (`allowed` `nil`: any key).
    func mapping(_ node: Node, at path: String, allowed: [String]?) throws -> [String: Node] {
        guard case .mapping(let mapping) = node else {
            throw invalid(node, path, "expected a mapping of keys to values")
        }
        var entries: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                throw invalid(keyNode, path, "keys must be plain names")
            }
            let key = scalar.string
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            if let allowed, !allowed.contains(key) {
                throw ConfigurationError(
                    .unknownKey,
                    source: source,
                    line: keyNode.mark?.line,
                    column: keyNode.mark?.column,
                    key: keyPath,
                    problem: "unknown key (known keys here: \(allowed.joined(separator: ", ")))"
                )
            }
            guard entries[key] == nil else {
                throw ConfigurationError(
                    .invalidValue,
                    source: source,
                    line: keyNode.mark?.line,
                    column: keyNode.mark?.column,
                    key: keyPath,
                    problem: "duplicate key"
                )
            }
            entries[key] = value
        }
        return entries
    }

    /// A sequence's elements.
    func sequence(_ node: Node, at path: String) throws -> [Node] {
        guard case .sequence(let sequence) = node else {
            throw invalid(node, path, "expected a list")
        }
        return Array(sequence)
    }

    /// Whether the node is YAML's null (`~`, `null` or nothing).
    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// A string scalar, after `${VAR}` substitution.
    func string(_ node: Node, at path: String) throws -> String {
        guard case .scalar(let scalar) = node else {
            throw invalid(node, path, "expected a single value, not a list or a mapping")
        }
        do {
            return try EnvironmentSubstitution.apply(to: scalar.string, environment: environment)
        } catch .undefined(let name) {
            throw ConfigurationError(
                .undefinedVariable,
                source: source,
                line: node.mark?.line,
                column: node.mark?.column,
                key: path,
                problem: "the environment variable \(name) is not set (write ${\(name):-default} for a fallback)"
            )
        } catch .malformed(let problem) {
            throw invalid(node, path, problem)
        }
    }

    /// A non-empty string.
    func nonEmptyString(_ node: Node, at path: String) throws -> String {
        let value = try string(node, at: path)
        guard !value.isEmpty else { throw invalid(node, path, "must not be empty") }
        return value
    }

    /// An integer within `range`.
    func int(_ node: Node, at path: String, in range: ClosedRange<Int>) throws -> Int {
        let text = try string(node, at: path)
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")), range.contains(value) else {
            throw invalid(node, path, "expected an integer from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return value
    }

    /// A number of seconds within `range`.
    func seconds(_ node: Node, at path: String, in range: ClosedRange<Double>) throws -> Double {
        let text = try string(node, at: path)
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw invalid(node, path, "expected a number of seconds from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return value
    }

    /// A size in bytes: an integer, or a number with a unit (`KB`, `MB`, `GB`, `KiB`, `MiB`, `GiB`).
    func byteCount(_ node: Node, at path: String, in range: ClosedRange<Int>) throws -> Int {
        let text = try string(node, at: path)
        guard let value = ByteCount.parse(text), range.contains(value) else {
            throw invalid(
                node,
                path,
                "expected a size in bytes from \(range.lowerBound) to \(range.upperBound), such as 1048576 or 1MiB, got '\(text)'"
            )
        }
        return value
    }

    /// One of `choices`.
    func choice(_ node: Node, at path: String, among choices: [String]) throws -> String {
        let text = try string(node, at: path)
        guard choices.contains(text) else {
            throw invalid(node, path, "expected one of \(choices.joined(separator: ", ")), got '\(text)'")
        }
        return text
    }

    /// An `invalidValue` error at the node.
    func invalid(_ node: Node, _ path: String, _ problem: String) -> ConfigurationError {
        ConfigurationError(
            .invalidValue,
            source: source,
            line: node.mark?.line,
            column: node.mark?.column,
            key: path.isEmpty ? nil : path,
            problem: problem
        )
    }
}

/// Parsing of human-written byte sizes.
enum ByteCount {
    private static let units: [(suffix: String, factor: Int)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
        ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
        ("B", 1),
    ]

    /// The number of bytes in `text` (`1048576`, `512KiB`, `1.5 GB`), or `nil`.
    static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        if let value = Int(trimmed) { return value }
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
            let bytes = value * Double(factor)
            guard bytes < Double(Int.max), bytes == bytes.rounded() else { return nil }
            return Int(bytes)
        }
        return nil
    }
}
