// Enclave: a calendar day in UTC, the unit of usage accounting and of daily budgets.

public import Foundation

/// A UTC calendar day, such as `2025-03-14`. Usage is stored per day, daily budgets reset at the start of
/// each day (00:00 UTC) and monthly budgets at the start of each month.
///
/// The arithmetic is the proleptic Gregorian calendar on Unix time (no leap seconds, no time zones), done
/// with integers, so it is exact and needs no `Calendar`.
///
/// ```swift
/// let day = UsageDay(Date(timeIntervalSince1970: 1_700_000_000))   // 2023-11-14
/// day.firstOfMonth                                                  // 2023-11-01
/// UsageDay("2024-02-29")?.next                                      // 2024-03-01
/// ```
public struct UsageDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, such as 2025.
    public let year: Int
    /// The month, 1 to 12.
    public let month: Int
    /// The day of the month, 1 to 31.
    public let day: Int

    /// The number of seconds in a day of Unix time.
    public static let secondsPerDay: TimeInterval = 86_400

    /// The UTC day that contains `date`.
    public init(_ date: Date) {
        self.init(daysSinceEpoch: Int((date.timeIntervalSince1970 / Self.secondsPerDay).rounded(.down)))
    }

    /// The day `days` after 1970-01-01 (negative: before).
    public init(daysSinceEpoch days: Int) {
        // Howard Hinnant's civil_from_days.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        self.year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
        self.day = day
    }

    /// The day with these numbers, or `nil` if there is no such day (`2023-02-29`, month 13).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...Self.length(ofMonth: month, in: year)).contains(day), (1...9999).contains(year) else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; `nil` for anything else or a day that does not exist.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    public var daysSinceEpoch: Int {
        let year = month <= 2 ? self.year - 1 : self.year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// 00:00 UTC on this day.
    public var start: Date { Date(timeIntervalSince1970: TimeInterval(daysSinceEpoch) * Self.secondsPerDay) }

    /// The next day.
    public var next: UsageDay { UsageDay(daysSinceEpoch: daysSinceEpoch + 1) }

    /// The first day of this day's month.
    public var firstOfMonth: UsageDay { UsageDay(year: year, month: month, day: 1) ?? self }

    /// The first day of the next month.
    public var firstOfNextMonth: UsageDay {
        (month == 12 ? UsageDay(year: year + 1, month: 1, day: 1) : UsageDay(year: year, month: month + 1, day: 1)) ?? next
    }

    /// A number that grows by one each month (`year * 12 + month - 1`), to tell months apart.
    public var monthNumber: Int { year * 12 + month - 1 }

    public static func < (lhs: UsageDay, rhs: UsageDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    private static func length(ofMonth month: Int, in year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
