// Enclave: reading the `scheduling:` section.

import Yams

extension EnclaveConfiguration {
    /// The keys of `scheduling:`.
    static let schedulingKeys = ["policy", "preemption", "queue_per_user", "queue_length"]

    static func readScheduling(_ node: Node, into scheduling: inout SchedulingConfiguration, reader: ConfigurationReader) throws {
        let entries = try reader.mapping(node, at: "scheduling", allowed: schedulingKeys)
        if let value = entries["policy"] {
            let name = try reader.choice(value, at: "scheduling.policy", among: SchedulingConfiguration.Policy.allCases.map(\.rawValue))
            scheduling.policy = SchedulingConfiguration.Policy(rawValue: name) ?? .fair
        }
        if let value = entries["preemption"] {
            scheduling.preemption = try reader.choice(value, at: "scheduling.preemption", among: ["true", "false"]) == "true"
        }
        if let value = entries["queue_per_user"], !reader.isNull(value) {
            scheduling.queuePerUser = try reader.int(value, at: "scheduling.queue_per_user", in: 0...100_000)
        }
        if let value = entries["queue_length"], !reader.isNull(value) {
            scheduling.queueLength = try reader.int(value, at: "scheduling.queue_length", in: 0...100_000)
        }
    }
}
