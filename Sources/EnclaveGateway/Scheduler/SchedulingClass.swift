// Enclave gateway: the two classes of requests the scheduler serves.

/// Whether a request is someone waiting at a screen or background work.
///
/// An `interactive` request always goes first: a `batch` request runs only while no interactive request
/// waits, and with preemption on, a waiting interactive request takes a slot back from a running batch one.
/// A client picks `batch` with the header `X-Enclave-Priority: batch`.
public enum SchedulingClass: String, Sendable, Hashable, CaseIterable {
    /// Served first (the default).
    case interactive
    /// Served only when no interactive request waits.
    case batch

    /// The header that selects the class (`interactive` or `batch`).
    public static let headerName = "X-Enclave-Priority"
}
