// Enclave server: a request's scheduling class and fair share.

import EnclaveCore
import EnclaveGateway
import Foundation
import HTTPTypes
import Hummingbird

extension OpenAIRoutes {
    static let priorityHeader = HTTPField.Name(SchedulingClass.headerName)!

    /// The class the request asks for with `X-Enclave-Priority: interactive|batch`; interactive without it.
    /// - Throws: ``InferenceError/invalidParameter(_:_:)`` (a 400) for any other value.
    func schedulingClass(of request: Request) throws -> SchedulingClass {
        guard let value = request.headers[Self.priorityHeader] else { return .interactive }
        let name = value.trimmingCharacters(in: .whitespaces).lowercased()
        guard let schedulingClass = SchedulingClass(rawValue: name) else {
            let choices = SchedulingClass.allCases.map(\.rawValue).joined(separator: " or ")
            throw InferenceError.invalidParameter(SchedulingClass.headerName, "the header must be \(choices)")
        }
        return schedulingClass
    }

    /// Takes the first place in the queue as the principal's request of `schedulingClass`; an admission is
    /// given back if the queue is full.
    func submit(
        _ prepared: PreparedInference,
        of principal: Principal,
        as schedulingClass: SchedulingClass,
        holding settlement: LimitSettlement?
    ) async throws -> InferenceSubmission {
        do {
            return try gateway.submit(prepared, share: FairShare(principal: principal, prepared: prepared, schedulingClass: schedulingClass))
        } catch {
            await settlement?.release()
            throw error
        }
    }
}
