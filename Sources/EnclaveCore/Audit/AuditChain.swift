// Enclave: checking that an audit log is the one that was written.

/// Checks audit records, in sequence order, against the chain's rules: the first record follows the
/// checkpoint (sequence 1 after ``AuditHash/zero`` without one), each next record has the next sequence
/// number, links to the hash of the record before, and hashes to its stored hash. Pure and incremental:
/// feed records page by page with ``check(_:)``.
///
/// What each kind of tampering breaks:
/// - an **edited** record (any field, or its stored hash) no longer hashes to its stored hash, or the
///   next record's link no longer matches;
/// - a **deleted** record leaves a gap in the sequence numbers (a deleted first record: the chain does not
///   start at 1 or after the checkpoint);
/// - an **inserted** record needs a sequence number: a new one past the end or in a gap does not follow on,
///   and its link and hash do not match unless recomputed with every record after it;
/// - **reordered** records (contents swapped between sequence numbers) break their hashes, which cover the
///   sequence number.
///
/// Someone who can write the database and recompute every hash after a change can forge a consistent
/// suffix, and deleting the newest records leaves a shorter valid chain: compare ``head`` with a value
/// kept elsewhere (`enclave audit verify` prints it) to catch those.
///
/// ```swift
/// var chain = AuditChain(checkpoint: checkpoint)
/// for record in records { if let problem = chain.check(record) { print(problem); break } }
/// ```
public struct AuditChain: Sendable {
    /// Why a record breaks the chain.
    public struct Break: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public struct Reason: Sendable, Hashable, CustomStringConvertible {
            private enum Base: String, Hashable, Sendable {
                case edited, unlinked, missing, outOfOrder, unreadable, badCheckpoint
            }
            private let base: Base
            private init(_ base: Base) { self.base = base }
            /// The record's content does not hash to its stored hash.
            public static let edited = Reason(.edited)
            /// The record's previous hash is not the hash of the record before (or of the checkpoint).
            public static let unlinked = Reason(.unlinked)
            /// Records are missing before this one (deleted), by sequence number.
            public static let missing = Reason(.missing)
            /// The sequence number does not increase (a duplicate or an out-of-order record).
            public static let outOfOrder = Reason(.outOfOrder)
            /// The stored row cannot be read as a record.
            public static let unreadable = Reason(.unreadable)
            /// The checkpoint's signature does not verify.
            public static let badCheckpoint = Reason(.badCheckpoint)
            public var description: String { base.rawValue }
        }

        /// The sequence number of the first bad record.
        public let sequence: Int64
        /// The kind of problem.
        public let reason: Reason
        /// A sentence for a person.
        public let message: String

        /// Creates a break.
        public init(sequence: Int64, reason: Reason, message: String) {
            self.sequence = sequence
            self.reason = reason
            self.message = message
        }

        public var description: String { "record \(sequence): \(message)" }
    }

    /// The sequence number the next record must have.
    public private(set) var expectedSequence: Int64
    /// The hash the next record must link to.
    public private(set) var head: AuditHash
    /// How many records have been checked and found intact.
    public private(set) var count = 0
    /// The first break found; later records are not checked.
    public private(set) var failure: Break?

    /// A chain starting after `checkpoint` (from sequence 1 without one).
    public init(checkpoint: AuditCheckpoint? = nil) {
        expectedSequence = (checkpoint?.sequence ?? 0) + 1
        head = checkpoint?.hash ?? .zero
    }

    /// Checks the next record.
    /// - Returns: The break this record causes, or `nil` if it is intact. Once broken, every further call
    ///   returns the first break.
    @discardableResult
    public mutating func check(_ record: AuditRecord) -> Break? {
        if let failure { return failure }
        let problem = Self.problem(record, expected: expectedSequence, head: head)
        if let problem {
            failure = problem
            return problem
        }
        expectedSequence = record.sequence + 1
        head = record.hash
        count += 1
        return nil
    }

    /// Records a break found outside the records themselves (an unreadable row, a bad checkpoint).
    public mutating func fail(_ problem: Break) {
        if failure == nil { failure = problem }
    }

    /// Checks every record in order.
    /// - Returns: The first break, or `nil` for an intact chain.
    public static func verify(_ records: some Sequence<AuditRecord>, checkpoint: AuditCheckpoint? = nil) -> Break? {
        var chain = AuditChain(checkpoint: checkpoint)
        for record in records {
            if let problem = chain.check(record) { return problem }
        }
        return nil
    }

    private static func problem(_ record: AuditRecord, expected: Int64, head: AuditHash) -> Break? {
        if record.sequence > expected {
            let missing = record.sequence - 1 == expected ? "record \(expected) is" : "records \(expected) to \(record.sequence - 1) are"
            return Break(sequence: record.sequence, reason: .missing, message: "\(missing) missing before it (deleted)")
        }
        if record.sequence < expected {
            return Break(
                sequence: record.sequence,
                reason: .outOfOrder,
                message: "out of order: expected sequence number \(expected) (inserted or reordered)"
            )
        }
        if record.computedHash != record.hash {
            return Break(sequence: record.sequence, reason: .edited, message: "its content does not match its hash (edited)")
        }
        if record.previousHash != head {
            return Break(
                sequence: record.sequence,
                reason: .unlinked,
                message: "it does not link to the record before it (inserted, or the record before was edited)"
            )
        }
        return nil
    }
}
