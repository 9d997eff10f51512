// Enclave OpenAI dialect: Core's errors in OpenAI's shape and wording.

public import EnclaveCore

extension OpenAIError {
    /// A 400 `invalid_request_error`.
    public static func invalidRequest(_ message: String, param: String?, code: String? = nil) -> OpenAIError {
        OpenAIError(status: 400, message: message, type: "invalid_request_error", param: param, code: code)
    }

    /// The 500 shown for unexpected errors: no internals.
    public static let internalError = OpenAIError(
        status: 500,
        message: "The server had an error while processing your request.",
        type: "server_error",
        code: "internal_error"
    )

    /// A request whose client went away or that was cancelled by shutdown (499, as nginx logs it).
    public static let cancelled = OpenAIError(
        status: 499,
        message: "The request was cancelled.",
        type: "invalid_request_error",
        code: "cancelled"
    )

    /// A body over the server's limit (413).
    public static func requestTooLarge(limit: Int?) -> OpenAIError {
        let message = limit.map { "The request body is larger than this server's limit of \($0) bytes." } ?? "The request body is too large."
        return OpenAIError(status: 413, message: message, type: "invalid_request_error", code: "request_too_large")
    }

    /// An error the HTTP layer raised by status alone (no route, wrong method, ...).
    public static func http(status: Int, reason: String) -> OpenAIError {
        let message: String =
            switch status {
            case 404: "Unknown request URL. See the API reference for the available routes."
            case 405: "Method not allowed for this URL."
            default: reason
            }
        return OpenAIError(
            status: status,
            message: message,
            type: status >= 500 ? "server_error" : "invalid_request_error",
            code: status == 404 ? "unknown_url" : nil
        )
    }

    /// The OpenAI error for an error of the dialect-independent layers (Core's errors, cancellation).
    ///
    /// Known errors get their status and message; anything else becomes a generic 500 (the details go to
    /// the log, never to the client).
    /// - Parameter promptParameter: The parameter a context overflow blames: `messages` on chat, `prompt` on
    ///   completions.
    public static func from(_ error: any Error, promptParameter: String = "messages") -> OpenAIError {
        switch error {
        case let error as OpenAIError:
            error
        case let error as InferenceError:
            from(error, promptParameter: promptParameter)
        case let failure as KeyAuthenticator.Failure:
            from(failure)
        case let error as AuthorizationError:
            from(error)
        case let error as LimitError:
            from(error)
        case let error as KeyStoreError:
            from(error)
        case let error as IdentityStoreError:
            from(error)
        case let error as AdministrationError:
            from(error)
        case let error as AssistantStoreError:
            from(error)
        case let error as SessionError:
            from(error)
        case let error as SessionStoreError:
            from(error)
        case let error as AuditLogError:
            from(error)
        case is CancellationError:
            cancelled
        default:
            internalError
        }
    }

    /// An inference error, worded as OpenAI words it.
    public static func from(_ error: InferenceError, promptParameter: String = "messages") -> OpenAIError {
        switch error.code {
        case .unknownModel:
            return OpenAIError(
                status: 404,
                message: "The model '\(error.model ?? "")' does not exist or is not served here.",
                type: "invalid_request_error",
                param: "model",
                code: "model_not_found"
            )
        case .contextLengthExceeded:
            let (prompt, completion, limit) = error.contextLength ?? (0, 0, 0)
            let message =
                completion == 0
                ? "This model's maximum context length is \(limit) tokens. However, your prompt has \(prompt) tokens. "
                    + "Please reduce the length of the prompt."
                : "This model's maximum context length is \(limit) tokens. However, you requested "
                    + "\(prompt.addingReportingOverflow(completion).overflow ? "more than \(Int.max)" : String(prompt + completion)) tokens "
                    + "(\(prompt) in the prompt, \(completion) in the completion). Please reduce the length of the prompt or the completion."
            return .invalidRequest(message, param: promptParameter, code: "context_length_exceeded")
        case .invalidParameter:
            let name = error.parameter ?? ""
            return .invalidRequest("Invalid '\(name)': \(error.parameterProblem ?? "invalid value").", param: name, code: "invalid_value")
        case .notReady:
            return OpenAIError(
                status: 503,
                message: "The model '\(error.model ?? "")' is still loading; retry shortly.",
                type: "server_error",
                param: "model",
                code: "model_not_ready",
                headers: ["Retry-After": "5"]
            )
        case .unavailable:
            return OpenAIError(
                status: 503,
                message: "The model '\(error.model ?? "")' is unavailable: \(error.unavailableReason ?? "unknown reason")",
                type: "server_error",
                param: "model",
                code: "model_unavailable"
            )
        case .overloaded:
            return OpenAIError(
                status: 429,
                message: "The server is at capacity and its queue is full; retry later.",
                type: "rate_limit_error",
                code: "queue_full",
                headers: ["Retry-After": String(error.retryAfterSeconds ?? 1)]
            )
        default:
            return OpenAIError(status: 500, message: error.message, type: "server_error", code: "internal_error")
        }
    }

    /// An authentication failure (401 with `WWW-Authenticate`).
    public static func from(_ failure: KeyAuthenticator.Failure) -> OpenAIError {
        let message: String
        let code: String?
        switch failure {
        case .missing:
            message = "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'."
            code = "missing_api_key"
        case .invalid:
            message = "Incorrect API key provided."
            code = "invalid_api_key"
        case .revoked:
            message = "This API key has been revoked."
            code = "invalid_api_key"
        case .expired:
            message = "This API key has expired."
            code = "expired_api_key"
        case .disabled:
            message = "The account of this API key is disabled."
            code = "account_disabled"
        }
        return OpenAIError(
            status: 401,
            message: message,
            type: "invalid_request_error",
            code: code,
            headers: ["WWW-Authenticate": #"Bearer realm="enclave""#]
        )
    }

    /// A key without the scope a route needs (403).
    public static func from(_ error: AuthorizationError) -> OpenAIError {
        if error.requiredScope == .admin {
            return OpenAIError(
                status: 403,
                message: error.role == .admin
                    ? "This route needs an admin key: this key lacks the 'admin' scope (create one with `enclave keys create --admin`)."
                    : "This route is for administrators only.",
                type: "invalid_request_error",
                code: "insufficient_permissions"
            )
        }
        let granted = error.grantedScopes.sorted().map(\.rawValue).joined(separator: ", ")
        return OpenAIError(
            status: 403,
            message: "You have insufficient permissions for this operation. Missing scope: \(error.requiredScope) "
                + "(this key has: \(granted)). Use an admin key or a key created with `enclave keys create --scope \(error.requiredScope)`.",
            type: "invalid_request_error",
            code: "insufficient_permissions"
        )
    }

    /// A key store error: the request's fault (400, 404, 409) or the store's (503).
    public static func from(_ error: KeyStoreError) -> OpenAIError {
        switch error.code {
        case .notFound:
            OpenAIError(status: 404, message: sentence(error.message), type: "invalid_request_error", code: "key_not_found")
        case .duplicateName, .duplicateKey, .ambiguous:
            OpenAIError(status: 409, message: sentence(error.message), type: "invalid_request_error", code: "conflict")
        case .invalidName:
            .invalidRequest(sentence(error.message), param: "name", code: "invalid_value")
        case .invalidScope:
            .invalidRequest(sentence(error.message), param: "scopes", code: "invalid_value")
        case .invalidField:
            .invalidRequest(sentence(error.message), param: nil, code: "invalid_value")
        default:
            OpenAIError(status: 503, message: "The key store is unavailable; retry shortly.", type: "server_error", code: "store_unavailable")
        }
    }

    /// An identity store error: the request's fault (400, 404, 409) or the store's (503).
    public static func from(_ error: IdentityStoreError) -> OpenAIError {
        switch error.code {
        case .notFound:
            OpenAIError(status: 404, message: sentence(error.message), type: "invalid_request_error", code: "not_found")
        case .duplicate:
            OpenAIError(status: 409, message: sentence(error.message), type: "invalid_request_error", param: error.field, code: "conflict")
        case .invalidField:
            .invalidRequest(sentence(error.message), param: error.field, code: "invalid_value")
        default:
            OpenAIError(status: 503, message: "The identity store is unavailable; retry shortly.", type: "server_error", code: "store_unavailable")
        }
    }

    /// A refused change to users, teams or keys.
    public static func from(_ error: AdministrationError) -> OpenAIError {
        switch error.code {
        case .managedByConfig:
            OpenAIError(status: 409, message: sentence(error.message), type: "invalid_request_error", code: "managed_by_config")
        case .notFound:
            OpenAIError(status: 404, message: sentence(error.message), type: "invalid_request_error", code: "not_found")
        case .forbidden:
            OpenAIError(status: 403, message: sentence(error.message), type: "invalid_request_error", code: "insufficient_permissions")
        default:
            .invalidRequest(sentence(error.message), param: nil, code: "invalid_value")
        }
    }

    /// A store's message as a sentence: capitalised, with a full stop.
    private static func sentence(_ message: String) -> String {
        guard let first = message.first else { return message }
        let text = first.uppercased() + message.dropFirst()
        return text.hasSuffix(".") ? text : text + "."
    }
}
