// Enclave: web session settings (`sessions:`).

/// How long a web session lasts and how its cookie is flagged (`sessions:`).
///
/// A session ends after ``idleMinutes`` without a request, or ``absoluteHours`` after its login, whichever
/// comes first. The server speaks plain HTTP itself, so the cookie gets `Secure` only when
/// ``secureCookie`` says the browser reaches it over HTTPS (a TLS-terminating proxy in front).
///
/// ```swift
/// let settings = SessionSettings(idleMinutes: 15, absoluteHours: 8, secureCookie: true)
/// ```
public struct SessionSettings: Sendable, Hashable {
    /// Minutes without a request after which a session ends (`sessions.idle_minutes`).
    public var idleMinutes: Int
    /// Hours after its login at which a session ends, used or not (`sessions.absolute_hours`).
    public var absoluteHours: Int
    /// Whether the session cookie carries `Secure` (`sessions.secure_cookie`): set it when browsers reach
    /// the server over HTTPS.
    public var secureCookie: Bool

    /// The allowed range of `idle_minutes`: a minute to a week.
    public static let idleRange: ClosedRange<Int> = 1...10_080
    /// The allowed range of `absolute_hours`: an hour to 90 days.
    public static let absoluteRange: ClosedRange<Int> = 1...2_160

    /// Creates settings: 30 minutes idle, 12 hours at most, no `Secure` flag.
    public init(idleMinutes: Int = 30, absoluteHours: Int = 12, secureCookie: Bool = false) {
        self.idleMinutes = idleMinutes
        self.absoluteHours = absoluteHours
        self.secureCookie = secureCookie
    }

    /// The idle timeout in seconds.
    public var idleTimeout: Double { Double(idleMinutes) * 60 }
    /// The absolute timeout in seconds.
    public var absoluteTimeout: Double { Double(absoluteHours) * 3600 }
}
