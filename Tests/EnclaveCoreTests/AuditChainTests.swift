// Enclave core tests: the audit record's canonical bytes, its hash chain and the chain's check.

import EnclaveCore
import Foundation
import Testing

@Suite struct AuditChainTests {
    static let time = Date(timeIntervalSince1970: 1_700_000_000.123)

    static func entry(_ index: Int) -> AuditEntry {
        AuditEntry(
            time: time.addingTimeInterval(Double(index)),
            action: .request,
            actor: AuditActor(userID: "usr_\(index)", keyID: "key_1", clientAddress: "127.0.0.1"),
            target: "/v1/chat/completions",
            status: 200,
            model: "m",
            promptTokens: 10 + index,
            completionTokens: 2,
            latencyMilliseconds: 5
        )
    }

    /// A valid chain of `count` records.
    static func chain(_ count: Int) -> [AuditRecord] {
        var records: [AuditRecord] = []
        for index in 0..<count {
            records.append(.sealing(entry(index), sequence: Int64(index + 1), previousHash: records.last?.hash ?? .zero))
        }
        return records
    }

    @Test func canonicalBytesAreSortedCompactAndStable() {
        var entry = AuditEntry(time: Self.time, action: .userUpdate, actor: AuditActor(userID: "usr_1"), target: "usr_2")
        entry.before = .object(["name": .string("a\"b\\c\n"), "disabled": .bool(false), "weight": .integer(-3)])
        let record = AuditRecord.sealing(entry, sequence: 7, previousHash: .zero)
        let text = String(decoding: AuditCanonicalEncoding.bytes(of: record), as: UTF8.self)
        #expect(
            text
                == #"{"action":"user.update","after":null,"before":{"disabled":false,"name":"a\"b\\c\u000a","weight":-3},"client":null,"#
                + #""completion_tokens":null,"key_id":null,"latency_ms":null,"model":null,"outcome":"success","prompt_tokens":null,"#
                + #""reason":null,"request_id":null,"sequence":7,"session_id":null,"status":null,"target":"usr_2","time_ms":1700000000123,"#
                + #""user_id":"usr_1","v":1}"#
        )
        // The hash is SHA-256 of those bytes followed by the previous hash's 32 bytes: fixed for fixed input.
        #expect(record.hash == AuditRecord.sealing(entry, sequence: 7, previousHash: .zero).hash)
        #expect(record.hash != AuditRecord.sealing(entry, sequence: 8, previousHash: .zero).hash)
        #expect(record.hash != AuditRecord.sealing(entry, sequence: 7, previousHash: Self.chain(1)[0].hash).hash)
        #expect(AuditHash(hex: record.hash.hex) == record.hash)
    }

    @Test func anIntactChainVerifies() {
        #expect(AuditChain.verify(Self.chain(5)) == nil)
        #expect(AuditChain.verify([AuditRecord]()) == nil)
        var chain = AuditChain()
        for record in Self.chain(3) { #expect(chain.check(record) == nil) }
        #expect(chain.count == 3)
        #expect(chain.head == Self.chain(3)[2].hash)
    }

    @Test func anEditedRecordIsNamed() throws {
        var records = Self.chain(5)
        records[2].entry.promptTokens = 1
        let problem = try #require(AuditChain.verify(records))
        #expect(problem.sequence == 3)
        #expect(problem.reason == .edited)
        // Editing and rehashing that record alone breaks the link of the next.
        records[2].hash = records[2].computedHash
        let relinked = try #require(AuditChain.verify(records))
        #expect(relinked.sequence == 4)
        #expect(relinked.reason == .unlinked)
    }

    @Test func aDeletedRecordIsNamed() throws {
        var records = Self.chain(5)
        records.remove(at: 1)
        let problem = try #require(AuditChain.verify(records))
        #expect(problem.sequence == 3)
        #expect(problem.reason == .missing)
        #expect(problem.message.contains("record 2 is missing"))
        // The first record deleted: the chain does not start at 1.
        let headless = try #require(AuditChain.verify(Array(Self.chain(3).dropFirst())))
        #expect(headless.sequence == 2)
        #expect(headless.reason == .missing)
    }

    @Test func anInsertedRecordIsNamed() throws {
        var records = Self.chain(4)
        // A forged record appended at the end with a made-up link.
        records.append(.sealing(Self.entry(9), sequence: 5, previousHash: .zero))
        let problem = try #require(AuditChain.verify(records))
        #expect(problem.sequence == 5)
        #expect(problem.reason == .unlinked)
        // A copy of a record under a sequence number already used.
        var duplicated = Self.chain(4)
        duplicated.insert(duplicated[1], at: 2)
        let duplicate = try #require(AuditChain.verify(duplicated))
        #expect(duplicate.sequence == 2)
        #expect(duplicate.reason == .outOfOrder)
    }

    @Test func reorderedRecordsAreNamed() throws {
        // Contents swapped between sequence numbers (what reordering rows in a table amounts to).
        var records = Self.chain(4)
        let second = records[1]
        records[1].entry = records[2].entry
        records[1].hash = records[2].hash
        records[2].entry = second.entry
        records[2].hash = second.hash
        let problem = try #require(AuditChain.verify(records))
        #expect(problem.sequence == 2)
        #expect(problem.reason == .edited)
        // Records fed out of order.
        var shuffled = Self.chain(4)
        shuffled.swapAt(1, 2)
        let outOfOrder = try #require(AuditChain.verify(shuffled))
        #expect(outOfOrder.sequence == 3)
        #expect(outOfOrder.reason == .missing)
    }

    @Test func aSignedCheckpointStartsTheChainAfterPurgedRecords() throws {
        let records = Self.chain(6)
        let key = AuditSigningKey()
        let checkpoint = try AuditCheckpoint.signed(sequence: 3, hash: records[2].hash, time: Self.time, key: key)
        #expect(checkpoint.isSigned(by: key.publicKey))
        #expect(!checkpoint.isSigned(by: AuditSigningKey().publicKey))
        var moved = checkpoint
        moved.sequence = 2
        #expect(!moved.isSigned(by: key.publicKey))
        #expect(AuditChain.verify(records.dropFirst(3), checkpoint: checkpoint) == nil)
        // Without the checkpoint the rest does not start at 1; with it, a further deletion still shows.
        #expect(AuditChain.verify(records.dropFirst(3))?.reason == .missing)
        #expect(AuditChain.verify(records.dropFirst(4), checkpoint: checkpoint)?.sequence == 5)
    }

    @Test func entriesAreValidated() {
        #expect(throws: AuditLogError.self) { try AuditEntry(time: Self.time, action: AuditAction(rawValue: "Bad Action")).validate() }
        #expect(throws: AuditLogError.self) { try AuditEntry(time: Self.time, action: .request, promptTokens: -1).validate() }
        #expect(throws: Never.self) { try AuditEntry(time: Self.time, action: .teamMemberAdd).validate() }
    }

    @Test func exportedRecordsAreCanonicalJSONWithTheirHashes() throws {
        let record = Self.chain(1)[0]
        let line = record.exportJSON.canonicalText
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["hash"] as? String == record.hash.hex)
        #expect(object["previous_hash"] as? String == AuditHash.zero.hex)
        #expect(object["time"] as? String == "2023-11-14T22:13:20.123Z")
        #expect(object["sequence"] as? Int == 1)
        #expect(AuditTime.parse("2023-11-14T22:13:20.123Z") == record.time)
        #expect(AuditTime.parse("2023-11-14") == Date(timeIntervalSince1970: 1_699_920_000))
        #expect(AuditTime.parse("yesterday") == nil)
    }
}

@Suite struct AuditConfigurationTests {
    @Test func retentionDaysAreReadAndChecked() throws {
        #expect(try EnclaveConfiguration(yaml: "audit:\n  retention_days: 90\n", environment: [:]).audit.retentionDays == 90)
        #expect(try EnclaveConfiguration(yaml: "listen:\n  port: 1\n", environment: [:]).audit.retentionDays == nil)
        #expect(try EnclaveConfiguration(yaml: "audit:\n  retention_days: ${DAYS}\n", environment: ["DAYS": "7"]).audit.retentionDays == 7)
        for bad in ["audit:\n  retention_days: 0\n", "audit:\n  retention_days: soon\n", "audit:\n  keep: 3\n"] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try EnclaveConfiguration(yaml: bad, environment: [:]) }
        }
    }
}
