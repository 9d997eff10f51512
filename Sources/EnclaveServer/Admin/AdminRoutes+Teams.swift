// Enclave server: /admin/v1/teams.

import EnclaveCore
import Hummingbird

extension AdminRoutes {
    func addTeamRoutes(to group: RouterGroup<EnclaveRequestContext>) {
        group.get("teams") { _, _ in
            var objects: [AdminObjects.TeamObject] = []
            for team in try await stores.identities.teams() { objects.append(try await object(of: team)) }
            return try Self.json(AdminObjects.List(data: objects))
        }
        group.post("teams") { request, _ in
            var request = request
            let asked = try await body.decode(AdminRequests.CreateTeam.self, from: &request)
            let team = try await administration.createTeam(name: asked.name, weight: asked.weight ?? 1)
            return try Self.json(try await object(of: team), status: .created)
        }
        group.get("teams/{team}") { _, context in
            try Self.json(try await object(of: try await administration.existingTeam(context.parameters.require("team"))))
        }
        group.patch("teams/{team}") { request, context in
            var request = request
            let asked = try await body.decode(AdminRequests.UpdateTeam.self, from: &request)
            let (_, after) = try await administration.updateTeam(context.parameters.require("team"), asked.change)
            return try Self.json(try await object(of: after))
        }
        group.put("teams/{team}/members/{user}") { _, context in
            let (_, team) = try await administration.addMember(
                user: context.parameters.require("user"),
                team: context.parameters.require("team")
            )
            return try Self.json(try await object(of: team))
        }
        group.delete("teams/{team}/members/{user}") { _, context in
            let (_, team) = try await administration.removeMember(
                user: context.parameters.require("user"),
                team: context.parameters.require("team")
            )
            return try Self.json(try await object(of: team))
        }
    }
}
