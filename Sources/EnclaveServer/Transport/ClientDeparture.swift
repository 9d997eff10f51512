// Enclave server: stopping work when the client's connection is gone, without touching its inbound side.

import NIOCore
import Synchronization

/// Runs work that must stop when its client goes away, while the connection stays usable for the next
/// request (keep-alive, pipelining).
///
/// A client is gone when its connection closes: a reset, a failed write (a stream's next frame to a
/// client that closed its socket), or the transport closing it. A half-close (the client shut its
/// sending side after a complete request) is not a departure: the response is finished, then the
/// connection closes. For event streams the transport writes a comment right after a half-close, so a
/// client that really closed is noticed at once (``HTTPExchangeHandler``).
///
/// ```swift
/// let answer = try await ClientDeparture.cancelling(whenClosed: context.channel) { try await generate() }
/// ```
enum ClientDeparture {
    /// Runs `operation`, cancelling it if `channel` closes first.
    /// - Throws: `operation`'s error, or `CancellationError` when the channel closed.
    static func cancelling<Value: Sendable>(
        whenClosed channel: any Channel,
        _ operation: () async throws -> Value
    ) async throws -> Value {
        try await withoutActuallyEscaping(operation) { operation in
            let transfer = UnsafeOperation(operation)
            return try await withThrowingTaskGroup(of: Value?.self) { group in
                group.addTask { try await transfer.operation() }
                group.addTask {
                    await waitForClose(of: channel)
                    return nil
                }
                defer { group.cancelAll() }
                while let next = try await group.next() {
                    if let value = next { return value }
                    // The channel closed: stop the operation and let it end (it throws its cancellation).
                    group.cancelAll()
                }
                throw CancellationError()
            }
        }
    }

    /// Returns when `channel` has closed or the task is cancelled.
    static func waitForClose(of channel: any Channel) async {
        let waiter = OneShot()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiter.install(continuation)
                channel.closeFuture.whenComplete { _ in waiter.fire() }
            }
        } onCancel: {
            waiter.fire()
        }
    }
}

/// A closure handed to a child task that ends before the closure's scope does.
private struct UnsafeOperation<Value>: @unchecked Sendable {
    // Safe: the task group that runs it is awaited inside `withoutActuallyEscaping`.
    let operation: () async throws -> Value
    init(_ operation: @escaping () async throws -> Value) { self.operation = operation }
}

/// A continuation resumed exactly once, by whichever comes first: the event or a cancellation.
private final class OneShot: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Void, Never>)
        case fired
    }
    private let state = Mutex(State.idle)

    func install(_ continuation: CheckedContinuation<Void, Never>) {
        let resumeNow = state.withLock { state -> Bool in
            switch state {
            case .idle:
                state = .waiting(continuation)
                return false
            case .fired:
                return true
            case .waiting:
                preconditionFailure("a one-shot waits once")
            }
        }
        if resumeNow { continuation.resume() }
    }

    func fire() {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state = .fired }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        continuation?.resume()
    }
}
