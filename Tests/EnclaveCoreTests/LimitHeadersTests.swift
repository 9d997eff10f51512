// Enclave: tests of the rate-limit headers' notation.

import EnclaveCore
import Foundation
import Testing

@Suite struct LimitHeadersTests {
    @Test(arguments: [
        (0.0, "0s"), (-3, "0s"), (0.0004, "1ms"), (0.012, "12ms"), (0.999, "999ms"), (1, "1s"), (1.5, "1.5s"), (17.28, "17.28s"),
        (12.000000000000002, "12s"), (59.5, "59.5s"), (60, "1m0s"), (360, "6m0s"), (361.25, "6m1.25s"), (3600, "1h0m0s"),
        (93_800.5, "26h3m20.5s"), (.infinity, "0s"),
    ])
    func durationsAreWrittenAsOpenAIWritesThem(seconds: Double, text: String) {
        #expect(LimitStatus.duration(seconds) == text)
    }

    @Test func retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
        func error(_ retryAfter: TimeInterval?) -> LimitError {
            LimitError(
                code: .rateLimited,
                subject: .key("k"),
                limit: .requestsPerMinute,
                maximum: 1,
                used: 1,
                requested: 1,
                retryAfter: retryAfter,
                status: .unlimited
            )
        }
        #expect(error(0.2).retryAfterSeconds == 1)
        #expect(error(0).retryAfterSeconds == 1)
        #expect(error(1.01).retryAfterSeconds == 2)
        #expect(error(20.000000000000004).retryAfterSeconds == 20)
        #expect(error(nil).retryAfterSeconds == nil)
        #expect(error(7).headerFields.map(\.name) == ["retry-after"])
    }

    @Test func policiesTightenLimitByLimit() {
        let loose = LimitPolicy(requestsPerMinute: 10, tokensPerDay: 100)
        let tight = LimitPolicy(requestsPerMinute: 5, tokensPerMinute: 50)
        #expect(loose.tightened(by: tight) == LimitPolicy(requestsPerMinute: 5, tokensPerMinute: 50, tokensPerDay: 100))
        #expect(LimitPolicy(requestsPerMinute: 0, tokensPerMinute: -1).isUnlimited)
    }
}
