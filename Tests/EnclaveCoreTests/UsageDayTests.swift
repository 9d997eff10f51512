// Enclave: tests of UTC calendar days.

import EnclaveCore
import Foundation
import Testing

@Suite struct UsageDayTests {
    @Test func aDateFallsOnItsUTCDay() throws {
        #expect(UsageDay(Date(timeIntervalSince1970: 0)).description == "1970-01-01")
        #expect(UsageDay(Date(timeIntervalSince1970: 1_700_000_000)).description == "2023-11-14")
        #expect(UsageDay(Date(timeIntervalSince1970: 86_399.999)).description == "1970-01-01")
        #expect(UsageDay(Date(timeIntervalSince1970: 86_400)).description == "1970-01-02")
        #expect(UsageDay(Date(timeIntervalSince1970: -1)).description == "1969-12-31")
    }

    @Test func daysMatchFoundationsGregorianCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        // Every 13th day from 1900 to 2100, leap years and centuries included.
        for days in stride(from: -25_567, through: 47_482, by: 13) {
            let date = Date(timeIntervalSince1970: TimeInterval(days) * 86_400 + 43_200)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let day = UsageDay(date)
            #expect(day.year == parts.year && day.month == parts.month && day.day == parts.day, "\(days)")
            #expect(day.daysSinceEpoch == days)
            #expect(UsageDay(daysSinceEpoch: days) == day)
        }
    }

    @Test func monthsAndYearsRollOver() throws {
        #expect(UsageDay("2024-02-28")?.next.description == "2024-02-29")
        #expect(UsageDay("2023-02-28")?.next.description == "2023-03-01")
        #expect(UsageDay("2023-12-31")?.next.description == "2024-01-01")
        #expect(UsageDay("2023-12-15")?.firstOfNextMonth.description == "2024-01-01")
        #expect(UsageDay("2024-01-31")?.firstOfNextMonth.description == "2024-02-01")
        #expect(UsageDay("2024-03-17")?.firstOfMonth.description == "2024-03-01")
        #expect(UsageDay("2024-03-01")?.start == Date(timeIntervalSince1970: 1_709_251_200))
        #expect(try #require(UsageDay("2024-01-01")).monthNumber == #require(UsageDay("2023-12-31")).monthNumber + 1)
    }

    @Test(arguments: [
        "2023-02-29", "2023-13-01", "2023-00-10", "2023-1-01", "23-01-01", "2023-01-01T00", "", "abcd-ef-gh", "2023-01-32", "٢٠٢٣-01-01",
    ])
    func invalidDaysDoNotParse(text: String) {
        #expect(UsageDay(text) == nil)
    }

    @Test func daysOrderByTheCalendar() throws {
        let days = ["2024-01-02", "2023-12-31", "2024-01-01"].compactMap(UsageDay.init)
        #expect(days.sorted().map(\.description) == ["2023-12-31", "2024-01-01", "2024-01-02"])
    }
}
