// Enclave storage: reconciling declared teams, users and keys, on the in-memory and the SQLite stores.

import EnclaveCore
import EnclaveStorage
import EnclaveTesting
import Foundation
import Testing

/// Password hashes in memory: the reconciler's tests do not depend on where the server keeps them.
actor MemoryPasswordStore: PasswordStore {
    private var hashes: [String: String] = [:]

    func passwordHash(userID: String) -> String? { hashes[userID] }

    func setPasswordHash(_ hash: String?, userID: String) { hashes[userID] = hash }
}

@Suite struct ConfigurationReconcilerTests {
    static let file = "/etc/enclave/enclave.yaml"
    static let aliceHash = "$2b$04$" + String(repeating: "a", count: 53)
    let ciSecret = APIKeySecret.generate()

    struct Fixture {
        let stores: EnclaveStores
        let passwords = MemoryPasswordStore()
        let clock = ManualWallClock()

        init(_ kind: StoreKind) async throws {
            stores = try kind.makeStores()
            _ = try await stores.identities.ensureBuiltInAdmin(at: clock.now())
        }

        func reconcile(_ declared: DeclaredIdentities, file: String = ConfigurationReconcilerTests.file) async throws -> [ConfigurationChange] {
            clock.advance(by: 60)
            return try await ConfigurationReconciler(file: file, stores: stores, passwords: passwords, wallClock: clock, passwordCost: 4)
                .reconcile(declared)
        }

        func user(_ name: String) async throws -> User { try #require(try await stores.identities.user(login: name)) }
        func team(_ name: String) async throws -> Team { try #require(try await stores.identities.team(named: name)) }
    }

    func declared(role: Role = .member, weight: Int = 3, scopes: Set<KeyScope> = [.inference]) -> DeclaredIdentities {
        var key = DeclaredKey(name: "ci", user: "alice", secret: ciSecret, location: DeclarationLocation(line: 12, column: 5))
        key.allowedModels = ["smollm2"]
        key.scopes = scopes
        return DeclaredIdentities(
            teams: [DeclaredTeam(name: "research", weight: weight)],
            users: [
                DeclaredUser(name: "alice", email: "alice@example.com", role: role, teams: ["research"], password: .hash(Self.aliceHash)),
                DeclaredUser(name: "bob", role: .admin, password: .plain("correct horse battery")),
            ],
            keys: [key]
        )
    }

    @Test(arguments: StoreKind.allCases)
    func createsWhatIsDeclaredManagedByTheFile(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind)
        let changes = try await fixture.reconcile(declared())
        #expect(
            changes.map { "\($0.kind.rawValue) \($0.name) \($0.action.rawValue)" } == [
                "team research created", "user alice created", "user bob created", "key ci created",
            ]
        )
        let research = try await fixture.team("research")
        #expect(research.weight == 3 && research.managedBy == Self.file)
        let alice = try await fixture.user("alice")
        #expect(alice.email == "alice@example.com" && alice.role == .member && alice.managedBy == Self.file)
        #expect(try await fixture.stores.identities.members(ofTeam: research.id) == [alice.id])
        #expect(await fixture.passwords.passwordHash(userID: alice.id) == Self.aliceHash)
        let bobHash = try #require(await fixture.passwords.passwordHash(userID: try await fixture.user("bob").id))
        #expect(bobHash.hasPrefix("$2b$04$") && BcryptHash.problem(with: bobHash) == nil, "a plain password is stored hashed")
        let key = try #require(try await fixture.stores.keys.find(hash: ciSecret.hash))
        #expect(key.userID == alice.id && key.managedBy == Self.file && key.allowedModels == ["smollm2"] && key.isActive)
        #expect(key.prefix == ciSecret.displayPrefix)

        let secrets = changes.flatMap { Array(($0.before ?? [:]).values) + Array($0.after.values) }
        #expect(!secrets.contains { $0.contains(Self.aliceHash) || $0.contains(ciSecret.value) || $0.contains("correct horse") })
        #expect(changes[1].after["password"] == "set")
    }

    @Test(arguments: StoreKind.allCases)
    func aSecondRunWithTheSameFileChangesNothing(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind)
        #expect(try await !fixture.reconcile(declared()).isEmpty)
        let before = try await fixture.stores.identities.users()
        #expect(try await fixture.reconcile(declared()).isEmpty)
        #expect(try await fixture.stores.identities.users() == before)
    }

    @Test(arguments: StoreKind.allCases)
    func changedDeclarationsUpdateTheDatabase(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind)
        _ = try await fixture.reconcile(declared())
        var changed = declared(role: .admin, weight: 5, scopes: [.inference, .metrics, .admin])
        changed.users[1].teams = ["research"]
        changed.users[1].password = .plain("another long password")
        let changes = try await fixture.reconcile(changed)
        #expect(changes.map(\.description).count == 4)
        #expect(changes.first { $0.kind == .team }?.fields == ["weight"])
        #expect(changes.first { $0.name == "alice" }?.fields == ["role"])
        #expect(changes.first { $0.name == "bob" }?.fields == ["password", "teams"])
        #expect(changes.first { $0.kind == .key }?.fields == ["scopes"])
        #expect(try await fixture.team("research").weight == 5)
        #expect(try await fixture.stores.identities.members(ofTeam: fixture.team("research").id).count == 2)
        #expect(try await fixture.stores.keys.find(hash: ciSecret.hash)?.scopes == [.inference, .metrics, .admin])
    }

    @Test(arguments: StoreKind.allCases)
    func whatTheFileNoLongerDeclaresIsDisabledNeverDeleted(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind)
        _ = try await fixture.reconcile(declared())
        var fewer = declared()
        fewer.teams = []
        fewer.users = [fewer.users[1]]
        fewer.keys = []
        let changes = try await fixture.reconcile(fewer)
        #expect(
            Set(changes.map { "\($0.kind.rawValue) \($0.name) \($0.action.rawValue)" }) == [
                "team research disabled", "user alice disabled", "key ci revoked",
            ]
        )
        let alice = try await fixture.user("alice")
        #expect(alice.isDisabled && alice.managedBy == Self.file)
        #expect(try await fixture.team("research").isDisabled)
        #expect(try await fixture.stores.keys.find(hash: ciSecret.hash)?.isActive == false)
        #expect(try await fixture.stores.identities.teams(ofUser: alice.id).isEmpty)
        #expect(try await fixture.reconcile(fewer).isEmpty, "disabling happens once")

        // Declared again: enabled and un-revoked.
        let back = try await fixture.reconcile(declared())
        #expect(Set(back.map(\.action)) == [.updated])
        #expect(try await !fixture.user("alice").isDisabled)
        #expect(try await fixture.stores.keys.find(hash: ciSecret.hash)?.isActive == true)
    }

    @Test(arguments: StoreKind.allCases)
    func aNewSecretRevokesTheOldKeyAndCreatesANewOne(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind)
        _ = try await fixture.reconcile(declared())
        var rotated = declared()
        let newSecret = APIKeySecret.generate()
        rotated.keys[0] = DeclaredKey(name: "ci", user: "alice", secret: newSecret)
        let changes = try await fixture.reconcile(rotated)
        #expect(changes.map(\.action) == [.revoked, .created])
        #expect(try await fixture.stores.keys.find(hash: ciSecret.hash)?.isActive == false)
        #expect(try await fixture.stores.keys.find(hash: newSecret.hash)?.isActive == true)
    }

    @Test(arguments: StoreKind.allCases)
    func entitiesMadeThroughTheAPIAreNeverTouched(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind)
        let administration = IdentityAdministration(stores: fixture.stores, wallClock: fixture.clock)
        let ops = try await administration.createTeam(name: "ops")
        let carol = try await administration.createUser(name: "carol")
        _ = try await administration.addMember(user: carol.id, team: ops.id)
        let (carolKey, _) = try await administration.createKey(name: "laptop", userID: carol.id)
        _ = try await fixture.reconcile(declared())
        _ = try await administration.addMember(user: "alice", team: "ops")
        var fewer = declared()
        fewer.users = []
        fewer.keys = []
        _ = try await fixture.reconcile(fewer)

        #expect(try await fixture.user("carol") == carol)
        #expect(try await fixture.team("ops") == ops)
        #expect(try await fixture.stores.keys.key(id: carolKey.id) == carolKey)
        let members = try await fixture.stores.identities.members(ofTeam: ops.id)
        let alice = try await fixture.user("alice")
        #expect(alice.isDisabled && members.contains(carol.id) && members.contains(alice.id), "memberships of API teams stay")
    }

    @Test(arguments: StoreKind.allCases)
    func declaredEntitiesAreReadOnlyThroughTheAPINamingTheFile(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind)
        _ = try await fixture.reconcile(declared())
        let administration = IdentityAdministration(stores: fixture.stores, wallClock: fixture.clock)
        await #expect {
            try await administration.updateUser("alice", .init(role: .admin))
        } throws: { error in
            let error = error as? AdministrationError
            return error?.code == .managedByConfig && error?.message.contains(Self.file) == true
        }
        await #expect(throws: AdministrationError.self) { _ = try await administration.revokeKey("ci") }
        await #expect(throws: AdministrationError.self) { _ = try await administration.addMember(user: "bob", team: "research") }
    }

    @Test(arguments: StoreKind.allCases)
    func aNameTakenThroughTheAPIIsAnErrorNamingBothAndChangesNothing(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind)
        let administration = IdentityAdministration(stores: fixture.stores, wallClock: fixture.clock)
        let alice = try await administration.createUser(name: "alice")
        var withLocation = declared()
        withLocation.users[0].location = DeclarationLocation(line: 7, column: 5)
        await #expect {
            _ = try await fixture.reconcile(withLocation)
        } throws: { error in
            let error = error as? ReconciliationError
            return error?.code == .collision && error?.description.contains("\(Self.file):7:5") == true
                && error?.description.contains(alice.id) == true
        }
        #expect(try await fixture.stores.identities.team(named: "research") == nil, "nothing is written")
        #expect(try await fixture.user("alice") == alice)
    }

    @Test(arguments: StoreKind.allCases)
    func aSecretOfAnAPIKeyOrAMemberWithTheAdminScopeIsRefused(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind)
        let (apiKey, apiSecret) = try APIKey.issue(name: "old", userID: User.builtInAdminID, at: fixture.clock.now())
        try await fixture.stores.keys.create(apiKey)
        var stolen = declared(scopes: [.admin])
        stolen.keys.append(DeclaredKey(name: "reused", user: "admin", secret: apiSecret))
        await #expect {
            _ = try await fixture.reconcile(stolen)
        } throws: { error in
            let error = error as? ReconciliationError
            return error?.problems.count == 2 && error?.description.contains(apiKey.id) == true
                && error?.description.contains("'alice' is not an admin") == true
        }
    }

    @Test func theManagedByNameIsTheAbsolutePath() {
        let name = ConfigurationReconciler.managedByName(forPath: "./conf/../enclave.yaml")
        #expect(name.hasPrefix("/") && name.hasSuffix("/enclave.yaml") && !name.contains(".."))
    }
}
