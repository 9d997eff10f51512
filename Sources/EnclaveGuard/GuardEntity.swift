// Enclave guardrails: what a detector finds.

/// The kind of sensitive content a detector finds: the names used in policies, metrics, audit records
/// and evaluation files (`enclave eval guardrails`), after Presidio's entity names where one exists.
///
/// ```swift
/// let rule = policy.rule(for: .creditCard)
/// ```
public struct GuardEntity: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The entity's name, such as `EMAIL_ADDRESS`.
    public let rawValue: String

    /// Creates an entity from its name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// An e-mail address.
    public static let emailAddress = GuardEntity(rawValue: "EMAIL_ADDRESS")
    /// A phone number, international or in a common national format.
    public static let phoneNumber = GuardEntity(rawValue: "PHONE_NUMBER")
    /// A payment card number that passes the Luhn check.
    public static let creditCard = GuardEntity(rawValue: "CREDIT_CARD")
    /// An IBAN that passes the ISO 13616 mod-97 check.
    public static let iban = GuardEntity(rawValue: "IBAN_CODE")
    /// A US social security number outside the ranges never issued.
    public static let usSSN = GuardEntity(rawValue: "US_SSN")
    /// An IPv4 or IPv6 address.
    public static let ipAddress = GuardEntity(rawValue: "IP_ADDRESS")
    /// A date of birth, when labelled as one.
    public static let dateOfBirth = GuardEntity(rawValue: "DATE_OF_BIRTH")
    /// A postal address, where a pattern finds it with good precision.
    public static let postalAddress = GuardEntity(rawValue: "POSTAL_ADDRESS")
    /// A person's name, where a pattern finds it with good precision.
    public static let person = GuardEntity(rawValue: "PERSON")
    /// A credential: a cloud or SaaS key, a private key block, a JWT, a password in a connection string,
    /// an Enclave API key, or a high-entropy token next to a word such as key, secret, token or password.
    public static let secret = GuardEntity(rawValue: "SECRET")
    /// An attempt to override the instructions, extract the system prompt, or jailbreak the model.
    public static let promptInjection = GuardEntity(rawValue: "PROMPT_INJECTION")

    /// The entities that are spans of text, which redaction can replace (all but prompt injection).
    public static let redactable: [GuardEntity] = [
        .emailAddress, .phoneNumber, .creditCard, .iban, .usSSN, .ipAddress, .dateOfBirth, .postalAddress, .person, .secret,
    ]

    /// Every entity Enclave detects.
    public static let all: [GuardEntity] = redactable + [.promptInjection]

    /// The placeholder prefix redaction uses for the entity: `EMAIL` in `[EMAIL_1]`.
    public var placeholderLabel: String {
        switch self {
        case .emailAddress: "EMAIL"
        case .phoneNumber: "PHONE"
        case .creditCard: "CARD"
        case .iban: "IBAN"
        case .usSSN: "SSN"
        case .ipAddress: "IP"
        case .dateOfBirth: "DOB"
        case .postalAddress: "ADDRESS"
        case .person: "NAME"
        case .secret: "SECRET"
        default: rawValue
        }
    }

    public static func < (lhs: GuardEntity, rhs: GuardEntity) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { rawValue }
}
