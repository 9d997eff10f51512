// Enclave: tests of API key secrets, hashes, names and authentication.

import EnclaveCore
import EnclaveTesting
import Foundation
import Testing

@Suite struct APIKeyTests {
    @Test func generatedSecretsHaveTheEnclaveShape() {
        let secret = APIKeySecret.generate()
        #expect(secret.value.hasPrefix("enc-"))
        #expect(secret.value.count == 4 + 43)
        #expect(APIKeySecret(secret.value) == secret)
        #expect(secret.displayPrefix == String(secret.value.prefix(8)))
        #expect(APIKeySecret.generate() != secret)
    }

    @Test func malformedSecretsAreRejected() {
        #expect(APIKeySecret("sk-abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq") == nil)
        #expect(APIKeySecret("enc-short") == nil)
        #expect(APIKeySecret("enc-" + String(repeating: "a", count: 42) + "!") == nil)
        #expect(APIKeySecret("enc-" + String(repeating: "a", count: 43)) != nil)
    }

    @Test func hashIsSHA256OfTheSecret() throws {
        // SHA-256("abc"), FIPS 180-2 test vector.
        #expect(KeyHash(secret: "abc").hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(KeyHash(secret: "abc") == KeyHash(secret: "abc"))
        #expect(KeyHash(secret: "abc") != KeyHash(secret: "abd"))
        #expect(try KeyHash(bytes: KeyHash(secret: "x").bytes) == KeyHash(secret: "x"))
        #expect(throws: KeyStoreError.self) { try KeyHash(bytes: [1, 2, 3]) }
    }

    @Test func issueStoresOnlyTheHashAndAPrefix() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let (key, secret) = try APIKey.issue(name: "ci-bot", userID: User.builtInAdminID, at: date)
        #expect(key.hash == secret.hash)
        #expect(key.prefix == secret.displayPrefix)
        #expect(!key.prefix.contains(secret.value.dropFirst(8)))
        #expect(APIKey.looksLikeID(key.id))
        #expect(key.createdAt == date)
        #expect(key.isActive)
    }

    @Test(arguments: ["admin", "ci-bot", "alice@example.com", "team.a_1"])
    func acceptsValidNames(name: String) throws {
        try APIKey.validateName(name)
    }

    @Test(arguments: ["", "-leading", "has space", "ümlaut", String(repeating: "a", count: 65), "k_0123456789abcdef"])
    func rejectsInvalidNames(name: String) {
        #expect {
            try APIKey.validateName(name)
        } throws: { error in
            (error as? KeyStoreError)?.code == .invalidName
        }
    }

    @Test func bearerSecretParsing() {
        #expect(KeyAuthenticator.bearerSecret(fromAuthorization: "Bearer enc-abc") == "enc-abc")
        #expect(KeyAuthenticator.bearerSecret(fromAuthorization: "bearer   enc-abc ") == "enc-abc")
        #expect(KeyAuthenticator.bearerSecret(fromAuthorization: "Basic dXNlcjpwYXNz") == nil)
        #expect(KeyAuthenticator.bearerSecret(fromAuthorization: "Bearer") == nil)
        #expect(KeyAuthenticator.bearerSecret(fromAuthorization: nil) == nil)
    }
}

/// Stores with the built-in admin and a member, for authentication tests.
struct AuthFixture {
    let keys: any KeyStore = InMemoryKeyStore()
    let identities: any IdentityStore = InMemoryIdentityStore()
    let member: User

    init() async throws {
        _ = try await identities.ensureBuiltInAdmin(at: Date(timeIntervalSince1970: 1_700_000_000))
        member = try User.make(name: "alice", at: Date(timeIntervalSince1970: 1_700_000_000))
        try await identities.createUser(member)
    }

    func authenticator(touchInterval: TimeInterval = 60, wallClock: any WallClock = SystemWallClock()) -> KeyAuthenticator {
        KeyAuthenticator(store: keys, identities: identities, touchInterval: touchInterval, wallClock: wallClock)
    }

    /// A stored key of the member.
    func memberKey(_ name: String, at date: Date = Date(), expiresAt: Date? = nil) async throws -> (APIKey, APIKeySecret) {
        let (key, secret) = try APIKey.issue(name: name, userID: member.id, expiresAt: expiresAt, at: date)
        try await keys.create(key)
        return (key, secret)
    }
}

@Suite struct KeyAuthenticatorTests {
    @Test func authenticatesAnActiveKeyAsItsUserWithTheirTeams() async throws {
        let fixture = try await AuthFixture()
        let team = try Team.make(name: "research", weight: 3, at: Date())
        try await fixture.identities.createTeam(team)
        try await fixture.identities.addMember(userID: fixture.member.id, teamID: team.id)
        let (key, secret) = try await fixture.memberKey("laptop")
        let principal = try await fixture.authenticator().authenticate(secret: secret.value)
        #expect(
            principal
                == Principal(
                    id: fixture.member.id,
                    name: "alice",
                    role: .member,
                    teams: [.init(id: team.id, name: "research", weight: 3)],
                    credential: .apiKey(id: key.id, name: "laptop")
                )
        )
        #expect(principal.keyID == key.id)
        #expect(try await fixture.keys.find(hash: key.hash)?.lastUsedAt != nil)
        #expect(try await fixture.identities.user(id: fixture.member.id)?.lastSeenAt != nil)
    }

    @Test func refusesMissingUnknownMalformedRevokedAndExpiredKeys() async throws {
        let fixture = try await AuthFixture()
        let clock = ManualWallClock()
        let (_, secret) = try await fixture.memberKey("bob", at: clock.now())
        let (_, expiring) = try await fixture.memberKey("short", at: clock.now(), expiresAt: clock.now().addingTimeInterval(60))
        let authenticator = fixture.authenticator(wallClock: clock)
        await #expect(throws: KeyAuthenticator.Failure.missing) { try await authenticator.authenticate(secret: nil) }
        await #expect(throws: KeyAuthenticator.Failure.missing) { try await authenticator.authenticate(secret: "") }
        await #expect(throws: KeyAuthenticator.Failure.invalid) { try await authenticator.authenticate(secret: "not-a-key") }
        await #expect(throws: KeyAuthenticator.Failure.invalid) {
            try await authenticator.authenticate(secret: APIKeySecret.generate().value)
        }
        _ = try await authenticator.authenticate(secret: expiring.value)
        clock.advance(by: 60)
        await #expect(throws: KeyAuthenticator.Failure.expired) { try await authenticator.authenticate(secret: expiring.value) }
        _ = try await fixture.keys.revoke(idOrName: "bob", at: Date())
        await #expect(throws: KeyAuthenticator.Failure.revoked) { try await authenticator.authenticate(secret: secret.value) }
    }

    @Test func aDisabledUsersKeysAuthenticateNothingUntilEnabled() async throws {
        let fixture = try await AuthFixture()
        let (_, secret) = try await fixture.memberKey("laptop")
        let authenticator = fixture.authenticator()
        var member = fixture.member
        member.isDisabled = true
        try await fixture.identities.updateUser(member)
        await #expect(throws: KeyAuthenticator.Failure.disabled) { try await authenticator.authenticate(secret: secret.value) }
        member.isDisabled = false
        try await fixture.identities.updateUser(member)
        #expect(try await authenticator.authenticate(secret: secret.value).id == member.id)
    }

    @Test func disabledTeamsGiveNothing() async throws {
        let fixture = try await AuthFixture()
        var team = try Team.make(name: "old", at: Date())
        team.isDisabled = true
        try await fixture.identities.createTeam(team)
        try await fixture.identities.addMember(userID: fixture.member.id, teamID: team.id)
        let (_, secret) = try await fixture.memberKey("laptop")
        #expect(try await fixture.authenticator().authenticate(secret: secret.value).teams.isEmpty)
    }

    @Test func lastUsedIsWrittenAtMostOncePerInterval() async throws {
        let fixture = try await AuthFixture()
        let (key, secret) = try await fixture.memberKey("carol")
        let authenticator = fixture.authenticator(touchInterval: 3600)
        _ = try await authenticator.authenticate(secret: secret.value)
        let first = try #require(try await fixture.keys.find(hash: key.hash)?.lastUsedAt)
        _ = try await authenticator.authenticate(secret: secret.value)
        #expect(try await fixture.keys.find(hash: key.hash)?.lastUsedAt == first)
    }

    @Test func lastUsedFollowsTheInjectedWallClock() async throws {
        let fixture = try await AuthFixture()
        let clock = ManualWallClock()
        let start = clock.now()
        let (key, secret) = try await fixture.memberKey("dave", at: start)
        let authenticator = fixture.authenticator(touchInterval: 60, wallClock: clock)
        func lastUsed() async throws -> Date? { try await fixture.keys.find(hash: key.hash)?.lastUsedAt }

        _ = try await authenticator.authenticate(secret: secret.value)
        #expect(try await lastUsed() == start)
        clock.advance(by: 59)
        _ = try await authenticator.authenticate(secret: secret.value)
        #expect(try await lastUsed() == start, "touched again within the interval")
        clock.advance(by: 2)
        _ = try await authenticator.authenticate(secret: secret.value)
        #expect(try await lastUsed() == start.addingTimeInterval(61))
        // A wall clock set back (by NTP or an operator) does not freeze lastUsedAt for the gap.
        clock.advance(by: -3600)
        _ = try await authenticator.authenticate(secret: secret.value)
        #expect(try await lastUsed() == start.addingTimeInterval(61 - 3600))
    }

    @Test func firstStartCreatesOneAdminKeyDatedByTheWallClock() async throws {
        let stores = EnclaveStores.inMemory()
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_800_000_000))
        _ = try #require(try await AdminKeyBootstrap.ensureAdminKey(in: stores.keys, identities: stores.identities, wallClock: clock))
        #expect(try await stores.keys.list().first?.createdAt == clock.now())
    }

    @Test func firstStartCreatesTheBuiltInAdminAndOneAdminKey() async throws {
        let stores = EnclaveStores.inMemory()
        let secret = try #require(try await AdminKeyBootstrap.ensureAdminKey(in: stores.keys, identities: stores.identities))
        let keys = try await stores.keys.list()
        #expect(keys.count == 1)
        #expect(keys[0].userID == User.builtInAdminID && keys[0].scopes == KeyScope.adminScopes)
        #expect(keys[0].hash == secret.hash)
        #expect(try await AdminKeyBootstrap.ensureAdminKey(in: stores.keys, identities: stores.identities) == nil)
        #expect(try await stores.keys.list().count == 1)
        let principal = try await KeyAuthenticator(store: stores.keys, identities: stores.identities).authenticate(secret: secret.value)
        #expect(principal.role == .admin && principal.isAdmin && principal.name == "admin")
    }
}

@Suite struct KeyScopeTests {
    @Test func keysGetTheInferenceScopeUnlessTold() throws {
        let (key, _) = try APIKey.issue(name: "plain", userID: User.builtInAdminID)
        #expect(key.scopes == [.inference])
        #expect(throws: KeyStoreError.self) { try APIKey.issue(name: "none", userID: User.builtInAdminID, scopes: []) }
        #expect(throws: KeyStoreError.self) { try APIKey.issue(name: "nomodels", userID: User.builtInAdminID, allowedModels: []) }
        #expect(throws: KeyStoreError.self) {
            try APIKey.issue(name: "past", userID: User.builtInAdminID, expiresAt: Date(timeIntervalSince1970: 0))
        }
    }

    @Test func aCredentialMayUseItsScopesAndAdminOnlyForAnAdmin() throws {
        func principal(_ role: Role, _ scopes: Set<KeyScope>) -> Principal {
            Principal(id: "usr_x", name: "x", role: role, credential: .apiKey(id: "k_x", name: "x"), scopes: scopes)
        }
        let user = principal(.member, [.inference])
        let scraper = principal(.admin, [.metrics])
        let admin = principal(.admin, KeyScope.adminScopes)
        let memberClaimingAdmin = principal(.member, KeyScope.adminScopes)
        #expect(user.may(use: .inference) && !user.may(use: .metrics) && !user.isAdmin)
        #expect(scraper.may(use: .metrics) && !scraper.may(use: .inference) && !scraper.isAdmin)
        #expect(admin.may(use: .metrics) && admin.may(use: .inference) && admin.isAdmin)
        #expect(!memberClaimingAdmin.isAdmin && memberClaimingAdmin.may(use: .inference))
        #expect(throws: AuthorizationError(requiredScope: .metrics, principalID: "usr_x", grantedScopes: [.inference], role: .member)) {
            try user.require(.metrics)
        }
        try scraper.require(.metrics)
        try admin.require(.admin)
        #expect(throws: AuthorizationError.self) { try memberClaimingAdmin.require(.admin) }
    }

    @Test func modelAccessFollowsTheKeysList() {
        let any = Principal(id: "usr_x", name: "x", role: .member, credential: .session(id: "s"))
        let some = Principal(id: "usr_x", name: "x", role: .member, credential: .session(id: "s"), allowedModels: ["a"])
        #expect(any.mayUse(model: "a") && any.mayUse(model: "b"))
        #expect(some.mayUse(model: "a") && !some.mayUse(model: "b"))
    }

    @Test func scopeNamesAreChecked() throws {
        #expect(try KeyScope.named("metrics") == .metrics)
        #expect(try KeyScope.named("inference") == .inference)
        #expect(try KeyScope.named("admin") == .admin)
        #expect {
            try KeyScope.named("everything")
        } throws: { error in
            (error as? KeyStoreError)?.code == .invalidScope && "\(error)".contains("inference or metrics or admin")
        }
    }
}
