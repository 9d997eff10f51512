// Enclave: tests of the `scheduling:` section of the configuration.

import EnclaveCore
import Testing

@Suite struct SchedulingConfigurationTests {
    func parse(_ yaml: String) throws -> EnclaveConfiguration {
        try EnclaveConfiguration(yaml: yaml, source: "test.yaml", environment: ["POLICY": "fifo"])
    }

    func failure(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test func defaultsAreFairWithPreemptionAndTheLimitsQueueBounds() throws {
        let configuration = try parse("listen:\n  port: 1\n")
        #expect(configuration.scheduling == SchedulingConfiguration(policy: .fair, preemption: true, queuePerUser: nil, queueLength: nil))
    }

    @Test func everyKeyIsRead() throws {
        let configuration = try parse(
            """
            scheduling:
              policy: ${POLICY}
              preemption: false
              queue_per_user: 4
              queue_length: 32
            """
        )
        #expect(configuration.scheduling == SchedulingConfiguration(policy: .fifo, preemption: false, queuePerUser: 4, queueLength: 32))
    }

    @Test(arguments: [
        ("scheduling:\n  policy: lottery\n", "scheduling.policy", "expected one of fair, fifo"),
        ("scheduling:\n  preemption: sometimes\n", "scheduling.preemption", "expected one of true, false"),
        ("scheduling:\n  queue_per_user: -1\n", "scheduling.queue_per_user", ""),
        ("scheduling:\n  queue_length: lots\n", "scheduling.queue_length", ""),
    ])
    func badValuesNameTheKeyAndLine(yaml: String, key: String, problem: String) throws {
        let error = try #require(failure(yaml))
        #expect(error.code == .invalidValue)
        #expect(error.key == key)
        #expect(error.line == 2)
        #expect(error.description.contains(problem))
    }

    @Test func unknownKeysAreRejected() throws {
        let error = try #require(failure("scheduling:\n  quantum: 5\n"))
        #expect(error.code == .unknownKey)
        #expect(error.key == "scheduling.quantum")
    }
}
