// Enclave: reconciling declared users, their memberships of declared teams and their passwords.

import Foundation
import HummingbirdBcrypt

extension ConfigurationReconciler {
    /// Creates or updates the declared users (memberships and passwords included) and disables the ones this
    /// file no longer declares.
    /// - Returns: The declared users' ids by name.
    func reconcileUsers(
        _ declared: [DeclaredUser],
        existing: Existing,
        teamIDs: [String: String],
        changes: inout [ConfigurationChange]
    ) async throws -> [String: String] {
        var ids: [String: String] = [:]
        // The teams whose memberships are the file's: those it declares, and those it declared before.
        let declaredTeamIDs = Set(teamIDs.values).union(existing.teams.filter { $0.managedBy == file }.map(\.id))
        for declaration in declared {
            let record = existing.user(named: declaration.name)
            var user = try record ?? User.make(name: declaration.name, at: wallClock.now())
            var before: [String: String]?
            if let record { before = try await snapshot(of: record, in: declaredTeamIDs) }
            user.email = declaration.email
            user.role = declaration.role
            user.isDisabled = false
            user.managedBy = file
            try user.validate()
            if let record {
                if user != record { try await stores.identities.updateUser(user) }
            } else {
                try await stores.identities.createUser(user)
            }
            ids[declaration.name] = user.id
            let wanted = Set(declaration.teams.compactMap { teamIDs[$0] })
            try await setMemberships(of: user.id, to: wanted, among: declaredTeamIDs)
            let passwordChanged = try await applyPassword(declaration.password, userID: user.id)
            let after = try await snapshot(of: user, in: declaredTeamIDs)
            guard before != after || passwordChanged else { continue }
            changes.append(
                ConfigurationChange(
                    kind: .user,
                    action: record == nil ? .created : .updated,
                    id: user.id,
                    name: user.name,
                    before: before,
                    after: after,
                    also: passwordChanged ? ["password"] : []
                )
            )
        }
        for record in existing.users where record.managedBy == file && ids[record.name] == nil {
            let before = try await snapshot(of: record, in: declaredTeamIDs)
            var user = record
            user.isDisabled = true
            if user != record { try await stores.identities.updateUser(user) }
            try await setMemberships(of: user.id, to: [], among: declaredTeamIDs)
            let after = try await snapshot(of: user, in: declaredTeamIDs)
            guard before != after else { continue }
            changes.append(
                ConfigurationChange(
                    kind: .user,
                    action: .disabled,
                    id: user.id,
                    name: user.name,
                    before: before,
                    after: after
                )
            )
        }
        return ids
    }

    /// Makes the user a member of exactly `wanted` among the file's teams (other teams are not the file's).
    private func setMemberships(of userID: String, to wanted: Set<String>, among declaredTeamIDs: Set<String>) async throws {
        let current = Set(try await stores.identities.teams(ofUser: userID).map(\.id)).intersection(declaredTeamIDs)
        for teamID in wanted.subtracting(current).sorted() { try await stores.identities.addMember(userID: userID, teamID: teamID) }
        for teamID in current.subtracting(wanted).sorted() { try await stores.identities.removeMember(userID: userID, teamID: teamID) }
    }

    /// Sets the user's password hash as declared (a `password` is hashed with bcrypt, unless the stored hash
    /// already matches it); no declared password removes a stored one.
    /// - Returns: Whether the stored hash changed.
    private func applyPassword(_ declared: DeclaredUser.Password?, userID: String) async throws -> Bool {
        guard let passwords else { return false }
        let current = try await passwords.passwordHash(userID: userID)
        let wanted: String?
        switch declared {
        case .hash(let hash):
            wanted = hash
        case .plain(let password):
            if let current, Bcrypt.verify(password, hash: current) { return false }
            wanted = Bcrypt.hash(password, cost: passwordCost)
        case nil:
            wanted = nil
        }
        guard wanted != current else { return false }
        try await passwords.setPasswordHash(wanted, userID: userID)
        return true
    }

    /// The user's fields as a change shows them: no password, only whether there is one.
    private func snapshot(of user: User, in declaredTeamIDs: Set<String>) async throws -> [String: String] {
        let teams = try await stores.identities.teams(ofUser: user.id).map(\.name).sorted()
        var fields = [
            "name": user.name, "email": user.email ?? "-", "role": user.role.rawValue, "disabled": "\(user.isDisabled)",
            "teams": teams.joined(separator: ","), "managed_by": user.managedBy ?? "-",
        ]
        if let passwords { fields["password"] = try await passwords.passwordHash(userID: user.id) == nil ? "none" : "set" }
        return fields
    }
}
