// Enclave: a streaming HTTP response body with URLSession's delegate API (Linux has no `bytes(for:)`).

import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Runs one request and delivers its response body in chunks as they arrive.
final class EventStream: NSObject, URLSessionDataDelegate, Sendable {
    /// The body, chunk by chunk; it throws if the transfer fails.
    let chunks: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private let statusCode = Mutex<Int?>(nil)
    private let task = Mutex<URLSessionDataTask?>(nil)

    /// Starts the request.
    init(request: URLRequest) {
        (chunks, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
        super.init()
        let session = URLSession(configuration: .default, delegate: self, delegateQueue: nil)
        let dataTask = session.dataTask(with: request)
        task.withLock { $0 = dataTask }
        dataTask.resume()
        session.finishTasksAndInvalidate()
    }

    /// The response's status code, once the head arrived.
    var status: Int? { statusCode.withLock { $0 } }

    /// Stops the transfer.
    func cancel() {
        task.withLock { $0?.cancel() }
    }

    func urlSession(
        _ session: URLSession,
        dataTask: URLSessionDataTask,
        didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        statusCode.withLock { $0 = (response as? HTTPURLResponse)?.statusCode }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        continuation.yield(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let error, (error as? URLError)?.code != .cancelled {
            continuation.finish(throwing: ChatClient.Failure(message: "connection failed: \(error.localizedDescription)"))
        } else {
            continuation.finish()
        }
    }
}
