// Enclave load: the capability of sending one completion request and measuring it.

public import Foundation

/// Sends one request to a server and fills in its measurements. The runner uses an HTTP implementation; tests
/// may use any other.
public protocol CompletionSending: Sendable {
    /// Sends `body` to `path` (streaming when `stream`), and records status, failure, times and token counts in
    /// `record`; appends every gap between successive tokens, in seconds, to `gaps`. It never throws: a failure
    /// is a measurement. When the task is cancelled it stops and marks the record `cancelledAtDeadline`.
    func send(_ body: Data, path: String, apiKey: String?, stream: Bool, into record: inout RequestRecord, gaps: inout [Double]) async
}
