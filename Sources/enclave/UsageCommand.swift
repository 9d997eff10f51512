// Enclave: `enclave usage`.

import ArgumentParser
import EnclaveCore
import EnclaveStorage
import Foundation

struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Show tokens and requests by day and by user, team, model or key, from the data directory's database.",
        discussion: """
            Days are UTC calendar days, written YYYY-MM-DD. Without --since the report starts on the first day of \
            the current month; without --until it ends today. Works while the server runs.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The first day to report (default: the first of this month).", valueName: "YYYY-MM-DD"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("The last day to report (default: today).", valueName: "YYYY-MM-DD"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("What to group by besides the day: user, team, model or key.", valueName: "user|team|model|key"))
    var by: String = UsageGrouping.user.rawValue

    @OptionGroup var storage: StorageOptions

    func validate() throws {
        _ = try range(today: UsageDay(Date()))
        guard UsageGrouping(rawValue: by) != nil else {
            throw ValidationError("--by must be one of \(UsageGrouping.allCases.map(\.rawValue).joined(separator: ", ")), got '\(by)'")
        }
    }

    func run() async throws {
        DataDirectory.restrictNewFilesToOwner()
        let (start, end) = try range(today: UsageDay(Date()))
        let grouping = UsageGrouping(rawValue: by) ?? .user
        let store = try SQLiteUsageStore(dataDirectory: storage.dataDirectory())
        let rows = try await store.usage(from: start, through: end, by: grouping)
        for line in Self.table(rows, grouping: grouping, from: start, through: end) { Console.print(line) }
    }

    /// The days asked for, checked.
    func range(today: UsageDay) throws -> (UsageDay, UsageDay) {
        let start = try since.map { try Self.day($0, option: "--since") } ?? today.firstOfMonth
        let end = try until.map { try Self.day($0, option: "--until") } ?? today
        guard start <= end else { throw ValidationError("--since (\(start)) must not be after --until (\(end))") }
        return (start, end)
    }

    static func day(_ text: String, option: String) throws -> UsageDay {
        guard let day = UsageDay(text) else { throw ValidationError("\(option) must be a day written YYYY-MM-DD, got '\(text)'") }
        return day
    }

    /// The report's lines: a header, one row per day and group, and the total; or a sentence when empty.
    static func table(_ rows: [UsageRow], grouping: UsageGrouping, from start: UsageDay, through end: UsageDay) -> [String] {
        guard !rows.isEmpty else { return ["No usage from \(start) through \(end)."] }
        let absent = grouping == .key ? "(no key)" : "(no team)"
        func numbers(_ totals: UsageTotals) -> [String] {
            [totals.requests, totals.promptTokens, totals.completionTokens, totals.totalTokens].map(String.init)
        }
        let total = rows.reduce(UsageTotals.zero) { $0 + $1.totals }
        let cells =
            [["DAY", grouping.rawValue.uppercased(), "REQUESTS", "PROMPT", "COMPLETION", "TOTAL"]]
            + rows.map { [$0.day.description, $0.group ?? absent] + numbers($0.totals) }
            + [["total", ""] + numbers(total)]
        let widths = cells[0].indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        return cells.map { row in
            row.enumerated().map { index, cell in
                // Text left-aligned, numbers right-aligned.
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return index < 2 ? cell + padding : padding + cell
            }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }
}
