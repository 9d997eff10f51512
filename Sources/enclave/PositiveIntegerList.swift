// Enclave: a comma-separated list of positive integers given on the command line.

import ArgumentParser
import Foundation

/// Parses option values such as `--concurrency 1,2,4,8`.
enum PositiveIntegerList {
    /// The integers of `text`, in order.
    /// - Throws: `ValidationError` naming `option` if the list is empty, an element is not an integer, or an
    ///   element is outside `1...maximum`.
    static func parse(_ text: String, option: String, maximum: Int = .max) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var values: [Int] = []
        for part in parts {
            guard let value = Int(part), (1...maximum).contains(value) else {
                let range = maximum == .max ? "positive integers" : "integers from 1 to \(maximum)"
                throw ValidationError("\(option) needs comma-separated \(range), got '\(text)'")
            }
            values.append(value)
        }
        return values
    }
}
