// Enclave: reconciling declared teams.

extension ConfigurationReconciler {
    /// Creates or updates the declared teams and disables the ones this file no longer declares.
    /// - Returns: The declared teams' ids by name.
    func reconcileTeams(_ declared: [DeclaredTeam], existing: Existing, changes: inout [ConfigurationChange]) async throws -> [String: String] {
        var ids: [String: String] = [:]
        for declaration in declared {
            if let before = existing.team(declaration) {
                var after = before
                after.weight = declaration.weight
                after.isDisabled = false
                after.managedBy = file
                ids[declaration.name] = before.id
                guard after != before else { continue }
                try await stores.identities.updateTeam(after)
                changes.append(change(.updated, before: before, after: after))
            } else {
                var team = try Team.make(name: declaration.name, weight: declaration.weight, at: wallClock.now())
                team.managedBy = file
                try await stores.identities.createTeam(team)
                ids[declaration.name] = team.id
                changes.append(change(.created, before: nil, after: team))
            }
        }
        for before in existing.teams where before.managedBy == file && ids[before.name] == nil && !before.isDisabled {
            var after = before
            after.isDisabled = true
            try await stores.identities.updateTeam(after)
            changes.append(change(.disabled, before: before, after: after))
        }
        return ids
    }

    private func change(_ action: ConfigurationChange.Action, before: Team?, after: Team) -> ConfigurationChange {
        ConfigurationChange(
            kind: .team,
            action: action,
            id: after.id,
            name: after.name,
            before: before.map(Self.fields(of:)),
            after: Self.fields(of: after)
        )
    }

    static func fields(of team: Team) -> [String: String] {
        ["name": team.name, "weight": "\(team.weight)", "disabled": "\(team.isDisabled)", "managed_by": team.managedBy ?? "-"]
    }
}
