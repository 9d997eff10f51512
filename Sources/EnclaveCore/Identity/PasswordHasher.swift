// Enclave core: hashing and checking passwords with bcrypt.

import Dispatch
import Foundation
import HummingbirdBcrypt

/// Hashes passwords with bcrypt (cost ``defaultCost`` unless a test asks for less) and checks them, off
/// the cooperative thread pool and on at most half the cores (bcrypt is slow on purpose). Also checks a new password's shape.
///
/// ```swift
/// let hasher = PasswordHasher()
/// let hash = try await hasher.hash("correct horse battery")
/// let ok = await hasher.verify("correct horse battery", hash: hash)
/// ```
public struct PasswordHasher: Sendable {
    /// The cost (log2 of the rounds) of new hashes: 12.
    public static let defaultCost = 12
    /// The fewest characters of a password.
    public static let minimumLength = 8
    /// The most UTF-8 bytes of a password (bcrypt reads no further).
    public static let maximumBytes = 72

    /// The cost of the hashes this hasher makes (4 to 31).
    public let cost: Int

    /// A cost-12 hash of a random password that was thrown away once hashed, checked when a login names no
    /// user or a user without a password, so that such a login takes as long as a wrong password. It is a
    /// constant so that even the first such login costs no more than one check.
    public static let dummyHash = "$2b$12$AMO7bdvNx1jq7d0ynG1NTuS7XILMiRWRetvI1.k9zeDjG0SsELv.C"

    /// Creates a hasher.
    /// - Parameter cost: The bcrypt cost of new hashes; lower than ``defaultCost`` in tests only.
    public init(cost: Int = PasswordHasher.defaultCost) {
        self.cost = min(max(cost, 4), 31)
    }

    /// Why a new password is refused, or `nil` if it is acceptable: at least ``minimumLength`` characters,
    /// at most ``maximumBytes`` bytes, and no control characters.
    public static func problem(with password: String) -> String? {
        if password.count < minimumLength { return "a password has at least \(minimumLength) characters" }
        if password.utf8.count > maximumBytes { return "a password has at most \(maximumBytes) bytes (bcrypt ignores the rest)" }
        if password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "a password has no control characters (tabs, line breaks, NUL)"
        }
        return nil
    }

    /// The bcrypt hash of a new password.
    /// - Throws: ``IdentityStoreError`` `invalidField` (field `password`) if ``problem(with:)`` refuses it.
    public func hash(_ password: String) async throws -> String {
        if let problem = Self.problem(with: password) { throw IdentityStoreError.invalidField("password", problem) }
        let cost = UInt8(self.cost)
        return await Self.offload { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`. With a `nil` hash it checks against a dummy hash, taking the
    /// same time, and answers `false`.
    public func verify(_ password: String, hash: String?) async -> Bool {
        guard password.utf8.count <= 1024, !password.unicodeScalars.contains(where: { $0.value == 0 }) else {
            _ = await Self.offload { Bcrypt.verify("", hash: Self.dummyHash) }
            return false
        }
        let matched = await Self.offload { Bcrypt.verify(password, hash: hash ?? Self.dummyHash) }
        return hash != nil && matched
    }

    /// Whether a string has the shape of a bcrypt hash (`$2a$`, `$2b$` or `$2y$`, a cost, 53 characters).
    public static func isBcryptHash(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 60, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"), bytes[3] == UInt8(ascii: "$"),
            bytes[6] == UInt8(ascii: "$"), [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(bytes[2])
        else { return false }
        return bytes[4...5].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// bcrypt runs on at most half the cores at once, so a burst of logins cannot take the CPU from the
    /// models (the lockout bounds how many one address can start).
    private static let slots = DispatchSemaphore(value: max(1, ProcessInfo.processInfo.activeProcessorCount / 2))

    private static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                slots.wait()
                let result = work()
                slots.signal()
                continuation.resume(returning: result)
            }
        }
    }
}
