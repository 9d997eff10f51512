// Enclave server: /admin/v1/users.

import EnclaveCore
import Hummingbird

extension AdminRoutes {
    func addUserRoutes(to group: RouterGroup<EnclaveRequestContext>) {
        group.get("users") { _, _ in
            var objects: [AdminObjects.UserObject] = []
            for user in try await stores.identities.users() { objects.append(try await object(of: user)) }
            return try Self.json(AdminObjects.List(data: objects))
        }
        group.post("users") { request, _ in
            var request = request
            let asked = try await body.decode(AdminRequests.CreateUser.self, from: &request)
            let role = asked.role.map(Role.init(rawValue:)) ?? .member
            // Every team must exist before the user is made, so a typo leaves nothing half-done.
            var teams: [Team] = []
            for name in asked.teams ?? [] { teams.append(try await administration.existingTeam(name)) }
            if let declared = teams.first(where: { $0.managedBy != nil }), let file = declared.managedBy {
                throw AdministrationError.managedByConfig("team", declared.name, file: file)
            }
            let user = try await administration.createUser(name: asked.name, email: asked.email, role: role)
            for team in teams { _ = try await administration.addMember(user: user.id, team: team.id) }
            return try Self.json(try await object(of: user), status: .created)
        }
        group.get("users/{user}") { _, context in
            try Self.json(try await object(of: try await administration.existingUser(context.parameters.require("user"))))
        }
        group.patch("users/{user}") { request, context in
            var request = request
            let asked = try await body.decode(AdminRequests.UpdateUser.self, from: &request)
            let (_, after) = try await administration.updateUser(context.parameters.require("user"), asked.change)
            return try Self.json(try await object(of: after))
        }
    }
}
