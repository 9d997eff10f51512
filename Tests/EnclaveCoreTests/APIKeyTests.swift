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
        let (key, secret) = try APIKey.issue(name: "ci-bot", role: .user, at: date)
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

@Suite struct KeyAuthenticatorTests {
    @Test func authenticatesAnActiveKey() async throws {
        let store: any KeyStore = InMemoryKeyStore()
        let (key, secret) = try APIKey.issue(name: "alice", role: .user)
        try await store.create(key)
        let principal = try await KeyAuthenticator(store: store).authenticate(secret: secret.value)
        #expect(principal == Principal(id: "key:\(key.id)", name: "alice", role: .user))
        #expect(try await store.find(hash: key.hash)?.lastUsedAt != nil)
    }

    @Test func refusesMissingUnknownMalformedAndRevokedKeys() async throws {
        let store: any KeyStore = InMemoryKeyStore()
        let (key, secret) = try APIKey.issue(name: "bob", role: .user)
        try await store.create(key)
        let authenticator = KeyAuthenticator(store: store)
        await #expect(throws: KeyAuthenticator.Failure.missing) { try await authenticator.authenticate(secret: nil) }
        await #expect(throws: KeyAuthenticator.Failure.missing) { try await authenticator.authenticate(secret: "") }
        await #expect(throws: KeyAuthenticator.Failure.invalid) { try await authenticator.authenticate(secret: "not-a-key") }
        await #expect(throws: KeyAuthenticator.Failure.invalid) {
            try await authenticator.authenticate(secret: APIKeySecret.generate().value)
        }
        _ = try await store.revoke(idOrName: "bob", at: Date())
        await #expect(throws: KeyAuthenticator.Failure.revoked) { try await authenticator.authenticate(secret: secret.value) }
    }

    @Test func lastUsedIsWrittenAtMostOncePerInterval() async throws {
        let store: any KeyStore = InMemoryKeyStore()
        let (key, secret) = try APIKey.issue(name: "carol", role: .user)
        try await store.create(key)
        let authenticator = KeyAuthenticator(store: store, touchInterval: 3600)
        _ = try await authenticator.authenticate(secret: secret.value)
        let first = try #require(try await store.find(hash: key.hash)?.lastUsedAt)
        _ = try await authenticator.authenticate(secret: secret.value)
        #expect(try await store.find(hash: key.hash)?.lastUsedAt == first)
    }

    @Test func lastUsedFollowsTheInjectedWallClock() async throws {
        let store: any KeyStore = InMemoryKeyStore()
        let clock = ManualWallClock()
        let start = clock.now()
        let (key, secret) = try APIKey.issue(name: "dave", role: .user, at: start)
        try await store.create(key)
        let authenticator = KeyAuthenticator(store: store, touchInterval: 60, wallClock: clock)
        func lastUsed() async throws -> Date? { try await store.find(hash: key.hash)?.lastUsedAt }

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
        let store: any KeyStore = InMemoryKeyStore()
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_800_000_000))
        _ = try #require(try await AdminKeyBootstrap.ensureAdminKey(in: store, wallClock: clock))
        #expect(try await store.list().first?.createdAt == clock.now())
    }

    @Test func firstStartCreatesOneAdminKey() async throws {
        let store: any KeyStore = InMemoryKeyStore()
        let secret = try #require(try await AdminKeyBootstrap.ensureAdminKey(in: store))
        let keys = try await store.list()
        #expect(keys.count == 1)
        #expect(keys[0].role == .admin)
        #expect(keys[0].hash == secret.hash)
        #expect(try await AdminKeyBootstrap.ensureAdminKey(in: store) == nil)
        #expect(try await store.list().count == 1)
        let principal = try await KeyAuthenticator(store: store).authenticate(secret: secret.value)
        #expect(principal.role == .admin)
    }
}

@Suite struct KeyScopeTests {
    @Test func keysGetTheInferenceScopeUnlessTold() throws {
        let (key, _) = try APIKey.issue(name: "plain", role: .user)
        #expect(key.scopes == [.inference])
        let (scraper, _) = try APIKey.issue(name: "prometheus", role: .user, scopes: [.metrics])
        #expect(Principal(key: scraper).scopes == [.metrics])
        #expect(throws: KeyStoreError.self) { try APIKey.issue(name: "none", role: .user, scopes: []) }
    }

    @Test func adminsMayUseEverythingOthersTheirScopes() throws {
        let user = Principal(id: "key:u", name: "u", role: .user)
        let scraper = Principal(id: "key:m", name: "m", role: .user, scopes: [.metrics])
        let admin = Principal(id: "key:a", name: "a", role: .admin)
        #expect(user.may(use: .inference) && !user.may(use: .metrics))
        #expect(scraper.may(use: .metrics) && !scraper.may(use: .inference))
        #expect(admin.may(use: .metrics) && admin.may(use: .inference))
        #expect(throws: AuthorizationError(requiredScope: .metrics, principalID: "key:u", grantedScopes: [.inference])) {
            try user.require(.metrics)
        }
        try scraper.require(.metrics)
        try admin.require(.metrics)
    }

    @Test func scopeNamesAreChecked() throws {
        #expect(try KeyScope.named("metrics") == .metrics)
        #expect(try KeyScope.named("inference") == .inference)
        #expect {
            try KeyScope.named("admin")
        } throws: { error in
            (error as? KeyStoreError)?.code == .invalidScope && "\(error)".contains("inference or metrics")
        }
    }
}
