// Enclave server: the admin API under /admin/v1.

public import EnclaveCore
import EnclaveOpenAI
import Foundation
public import Hummingbird
import NIOCore

/// `/admin/v1/users`, `/admin/v1/teams`, `/admin/v1/keys` and `/admin/v1/usage`: managing people, teams
/// and every key, and what they used. The
/// group is mounted behind authentication and the ``KeyScope/admin`` scope (an admin user's credential);
/// errors have OpenAI's shape, like the `/v1` routes.
public struct AdminRoutes: Sendable {
    let administration: IdentityAdministration
    let body: RequestBody

    /// Creates the routes.
    /// - Parameter maxBodyBytes: The largest request body accepted.
    public init(administration: IdentityAdministration, maxBodyBytes: Int) {
        self.administration = administration
        self.body = RequestBody(maxBodyBytes: maxBodyBytes)
    }

    var stores: EnclaveStores { administration.stores }

    /// Adds the routes to a group (mounted at `/admin/v1`).
    public func add(to group: RouterGroup<EnclaveRequestContext>) {
        addUserRoutes(to: group)
        addTeamRoutes(to: group)
        addKeyRoutes(to: group)
        addUsageRoutes(to: group)
        addAuditRoutes(to: group)
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete, .options] {
            group.on("**", method: method) { _, _ -> Response in throw OpenAIError.http(status: 404, reason: "Not Found") }
        }
    }

    /// A JSON response in the admin API's encoding (ISO 8601 dates).
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder.openAI()
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A user as the API shows it, with their teams.
    func object(of user: User) async throws -> AdminObjects.UserObject {
        AdminObjects.UserObject(user, teams: try await stores.identities.teams(ofUser: user.id))
    }

    /// A team as the API shows it, with its members' names.
    func object(of team: Team) async throws -> AdminObjects.TeamObject {
        var names: [String] = []
        for id in try await stores.identities.members(ofTeam: team.id) {
            if let user = try await stores.identities.user(id: id) { names.append(user.name) }
        }
        return AdminObjects.TeamObject(team, members: names)
    }
}
