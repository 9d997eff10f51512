// Enclave: who did what an audit record describes.

/// Who caused an audited event: the principal's user, the credential used and the client's address. Every
/// field is optional: a refused anonymous request has an address only, a CLI change has none of them.
///
/// Inside a request the server binds the caller to ``current`` (a task-local), so that
/// ``IdentityAdministration`` records who made each change without every route passing it on.
public struct AuditActor: Sendable, Hashable {
    /// The user's id (never a name an attacker could choose to look like another).
    public var userID: String?
    /// The API key's id, if the credential is one.
    public var keyID: String?
    /// The web session's id (not its secret), if the credential is one.
    public var sessionID: String?
    /// The client's IP address.
    public var clientAddress: String?

    /// Creates an actor.
    public init(userID: String? = nil, keyID: String? = nil, sessionID: String? = nil, clientAddress: String? = nil) {
        self.userID = userID
        self.keyID = keyID
        self.sessionID = sessionID
        self.clientAddress = clientAddress
    }

    /// The actor of a principal's request from `clientAddress`.
    public init(_ principal: Principal, clientAddress: String?) {
        self.init(userID: principal.id, clientAddress: clientAddress)
        switch principal.credential {
        case .apiKey(let id, _): keyID = id
        case .session(let id): sessionID = id
        }
    }

    /// The command line on the server's machine: no user, no credential, no address.
    public static let commandLine = AuditActor()

    /// The caller of the running request, bound by the server; ``commandLine`` outside of one.
    @TaskLocal public static var current = AuditActor.commandLine
}
