// Enclave storage: the contract of KeyStore.update, run against each implementation.

import EnclaveCore
import EnclaveStorage
import EnclaveTesting
import Foundation
import Testing

@Suite struct KeyStoreUpdateContractTests {
    static func date(_ offset: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(1_700_000_000 + offset)) }

    @Test(arguments: StoreKind.allCases)
    func updateReplacesTheChangeableFieldsAndKeepsTheRest(kind: StoreKind) async throws {
        let stores = try kind.makeStores()
        _ = try await stores.identities.ensureBuiltInAdmin(at: Self.date(0))
        let bob = try User.make(name: "bob", at: Self.date(0))
        try await stores.identities.createUser(bob)
        let (key, secret) = try APIKey.issue(name: "ci", userID: User.builtInAdminID, at: Self.date(0))
        try await stores.keys.create(key)
        try await stores.keys.touch(id: key.id, at: Self.date(5))

        var changed = key
        changed.name = "deploy"
        changed.userID = bob.id
        changed.scopes = [.inference, .metrics]
        changed.allowedModels = ["smollm2"]
        changed.expiresAt = Self.date(86_400)
        changed.revokedAt = Self.date(10)
        changed.managedBy = "/etc/enclave.yaml"
        changed.prefix = "ignored"
        changed.createdAt = Self.date(99)
        try await stores.keys.update(changed)

        let stored = try #require(try await stores.keys.find(hash: secret.hash))
        #expect(stored.name == "deploy" && stored.userID == bob.id && stored.scopes == [.inference, .metrics])
        #expect(stored.allowedModels == ["smollm2"] && stored.expiresAt == Self.date(86_400) && stored.revokedAt == Self.date(10))
        #expect(stored.managedBy == "/etc/enclave.yaml")
        #expect(stored.prefix == key.prefix && stored.createdAt == key.createdAt && stored.lastUsedAt == Self.date(5), "id, hash, prefix, dates stay")

        changed.revokedAt = nil
        try await stores.keys.update(changed)
        #expect(try await stores.keys.find(hash: secret.hash)?.isActive == true, "an update can un-revoke")
    }

    @Test(arguments: StoreKind.allCases)
    func updateKeepsActiveNamesUniqueAndNeedsAnExistingKey(kind: StoreKind) async throws {
        let stores = try kind.makeStores()
        _ = try await stores.identities.ensureBuiltInAdmin(at: Self.date(0))
        let (first, _) = try APIKey.issue(name: "one", userID: User.builtInAdminID, at: Self.date(0))
        let (second, _) = try APIKey.issue(name: "two", userID: User.builtInAdminID, at: Self.date(1))
        try await stores.keys.create(first)
        try await stores.keys.create(second)
        var renamed = second
        renamed.name = "one"
        await #expect {
            try await stores.keys.update(renamed)
        } throws: { error in
            (error as? KeyStoreError)?.code == .duplicateName
        }
        renamed.revokedAt = Self.date(2)
        try await stores.keys.update(renamed)
        #expect(try await stores.keys.list().map(\.name) == ["one", "one"], "a revoked key may share an active key's name")

        let (unknown, _) = try APIKey.issue(name: "ghost", userID: User.builtInAdminID, at: Self.date(3))
        await #expect {
            try await stores.keys.update(unknown)
        } throws: { error in
            (error as? KeyStoreError)?.code == .notFound
        }
    }
}
