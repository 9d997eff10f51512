// Enclave storage: the contract every IdentityStore keeps, run against each implementation.

import EnclaveCore
import EnclaveStorage
import EnclaveTesting
import Foundation
import Testing

@Suite struct IdentityStoreContractTests {
    static func date(_ offset: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(1_700_000_000 + offset)) }

    static func user(_ name: String, email: String? = nil, role: Role = .member, at offset: Int = 0) throws -> User {
        try User.make(name: name, email: email, role: role, at: date(offset))
    }

    @Test(arguments: StoreKind.allCases)
    func usersAreFoundByIDNameOrEmailAndListedOldestFirst(kind: StoreKind) async throws {
        let store = try kind.makeStores().identities
        let alice = try Self.user("alice", email: "Alice@Example.com", at: 5)
        let bob = try Self.user("bob", role: .admin, at: 10)
        try await store.createUser(bob)
        try await store.createUser(alice)
        #expect(try await store.user(id: alice.id) == alice)
        #expect(try await store.user(login: "alice") == alice)
        #expect(try await store.user(login: "alice@example.com") == alice, "e-mails compare without case")
        #expect(try await store.user(login: "Alice") == nil, "names compare exactly")
        #expect(try await store.user(idOrLogin: bob.id) == bob)
        #expect(try await store.users().filter { !$0.isBuiltInAdmin } == [alice, bob])
    }

    @Test(arguments: StoreKind.allCases)
    func namesAndEmailsAreUnique(kind: StoreKind) async throws {
        let store = try kind.makeStores().identities
        try await store.createUser(try Self.user("alice", email: "a@example.com"))
        for duplicate in [try Self.user("alice"), try Self.user("other", email: "A@EXAMPLE.COM")] {
            await #expect {
                try await store.createUser(duplicate)
            } throws: { error in
                (error as? IdentityStoreError)?.code == .duplicate
            }
        }
        var carol = try Self.user("carol")
        try await store.createUser(carol)
        carol.name = "alice"
        await #expect {
            try await store.updateUser(carol)
        } throws: { error in
            (error as? IdentityStoreError)?.field == "name"
        }
    }

    @Test(arguments: StoreKind.allCases)
    func updatesChangeTheEditableFieldsOnly(kind: StoreKind) async throws {
        let store = try kind.makeStores().identities
        var alice = try Self.user("alice")
        try await store.createUser(alice)
        try await store.touchUser(id: alice.id, at: Self.date(50))
        alice.name = "alice2"
        alice.email = "alice@example.com"
        alice.role = .admin
        alice.isDisabled = true
        alice.managedBy = "/etc/enclave.yaml"
        alice.createdAt = Self.date(999)
        try await store.updateUser(alice)
        let stored = try #require(try await store.user(id: alice.id))
        #expect(stored.name == "alice2" && stored.email == "alice@example.com" && stored.role == .admin && stored.isDisabled)
        #expect(stored.managedBy == "/etc/enclave.yaml")
        #expect(stored.createdAt == Self.date(0) && stored.lastSeenAt == Self.date(50))
        await #expect {
            try await store.updateUser(try Self.user("ghost"))
        } throws: { error in
            (error as? IdentityStoreError)?.code == .notFound
        }
    }

    @Test(arguments: StoreKind.allCases)
    func passwordHashesAreKeptApart(kind: StoreKind) async throws {
        let store = try kind.makeStores().identities
        let alice = try Self.user("alice")
        try await store.createUser(alice)
        #expect(try await store.passwordHash(userID: alice.id) == nil)
        try await store.setPasswordHash("$2b$12$abcdefghijklmnopqrstuv", userID: alice.id)
        #expect(try await store.passwordHash(userID: alice.id) == "$2b$12$abcdefghijklmnopqrstuv")
        try await store.setPasswordHash(nil, userID: alice.id)
        #expect(try await store.passwordHash(userID: alice.id) == nil)
        await #expect(throws: IdentityStoreError.self) { try await store.setPasswordHash("x", userID: "usr_nobody") }
    }

    @Test(arguments: StoreKind.allCases)
    func teamsAndMembership(kind: StoreKind) async throws {
        let store = try kind.makeStores().identities
        let alice = try Self.user("alice")
        let bob = try Self.user("bob", at: 1)
        try await store.createUser(alice)
        try await store.createUser(bob)
        var research = try Team.make(name: "research", weight: 3, at: Self.date(0))
        let ops = try Team.make(name: "ops", at: Self.date(1))
        try await store.createTeam(research)
        try await store.createTeam(ops)
        await #expect {
            try await store.createTeam(try Team.make(name: "ops", at: Self.date(2)))
        } throws: { error in
            (error as? IdentityStoreError)?.code == .duplicate
        }
        try await store.addMember(userID: bob.id, teamID: research.id)
        try await store.addMember(userID: alice.id, teamID: research.id)
        try await store.addMember(userID: alice.id, teamID: research.id)
        try await store.addMember(userID: alice.id, teamID: ops.id)
        #expect(try await store.members(ofTeam: research.id) == [bob.id, alice.id])
        #expect(try await store.teams(ofUser: alice.id).map(\.name) == ["ops", "research"])
        try await store.removeMember(userID: alice.id, teamID: ops.id)
        #expect(try await store.teams(ofUser: alice.id).map(\.name) == ["research"])
        await #expect(throws: IdentityStoreError.self) { try await store.addMember(userID: "usr_nobody", teamID: ops.id) }
        await #expect(throws: IdentityStoreError.self) { try await store.addMember(userID: alice.id, teamID: "team_nothing") }

        research.weight = 5
        research.isDisabled = true
        try await store.updateTeam(research)
        #expect(try await store.team(named: "research") == research)
        #expect(try await store.team(idOrName: research.id) == research)
        #expect(try await store.teams() == [research, ops])
    }

    @Test(arguments: StoreKind.allCases)
    func theBuiltInAdminIsCreatedOnce(kind: StoreKind) async throws {
        let store = try kind.makeStores().identities
        let first = try await store.ensureBuiltInAdmin(at: Self.date(0))
        let again = try await store.ensureBuiltInAdmin(at: Self.date(100))
        #expect(first.id == User.builtInAdminID && first.role == .admin && again == first)
        #expect(try await store.users().filter(\.isBuiltInAdmin).count == 1)
    }
}
