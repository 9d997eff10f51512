// Enclave server: the process's file descriptor limit.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open file descriptors (`RLIMIT_NOFILE`), which bounds its connections.
///
/// ```swift
/// let limit = DescriptorLimit.raiseToHardLimit()   // at start, before listening
/// logger.info("file descriptor limit", metadata: ["limit": "\(limit.soft)"])
/// ```
public struct DescriptorLimit: Sendable, Hashable {
    /// The limit in force (what `ulimit -Sn` shows).
    public var soft: Int
    /// The most the soft limit may be raised to without privileges (`ulimit -Hn`).
    public var hard: Int

    /// The current limits, or `nil` if they cannot be read.
    public static func current() -> DescriptorLimit? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        return DescriptorLimit(soft: clamp(limit.rlim_cur), hard: clamp(limit.rlim_max))
    }

    /// Raises the soft limit to the hard limit (a server should use what it is allowed) and returns the
    /// limits in force afterwards; if raising fails, the limits stay as they were.
    @discardableResult
    public static func raiseToHardLimit() -> DescriptorLimit? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            #if canImport(Darwin)
            // macOS refuses a soft limit above OPEN_MAX even when the hard limit is unlimited.
            raised.rlim_cur = min(raised.rlim_cur, rlim_t(OPEN_MAX))
            #endif
            _ = setrlimit(resource, &raised)
        }
        return current()
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif

    private static func clamp(_ value: rlim_t) -> Int {
        value >= rlim_t(Int.max) ? Int.max : Int(value)
    }
}
