// Enclave: reading the `keys:` of a configuration file.

import Foundation
import Yams

extension DeclarationReader {
    /// The entries of `keys:`, each checked, with its user among `users` (or the built-in admin).
    func keys(_ node: Node, users: [DeclaredUser]) -> [DeclaredKey] {
        var keys: [DeclaredKey] = []
        let allowed = ["name", "user", "hash", "secret", "models", "scopes", "expires"]
        for (index, element) in elements(node, at: "keys") {
            let path = "keys[\(index)]"
            guard let entries = entries(element, at: path, allowed: allowed),
                let (name, nameNode) = entryName(entries, of: element, at: path, check: Self.keyNameProblem)
            else { continue }
            var owner: DeclaredUser?
            var ownerName = User.builtInAdminName
            if let userNode = entries["user"] {
                if let user = attempt({ try reader.nonEmptyString(userNode, at: "\(path).user") }) {
                    ownerName = user
                    owner = users.first { $0.name == user }
                    if owner == nil && user != User.builtInAdminName {
                        report(
                            reader.invalid(
                                userNode,
                                "\(path).user",
                                "the user '\(user)' is not declared under users: in this file (nor is it the built-in 'admin')"
                            )
                        )
                    }
                }
            } else {
                report(missing(element, "\(path).user", "every key names its user (a declared user, or admin)"))
            }
            let keyCredential = credential(entries, of: element, at: path)
            var scopes = KeyScope.defaultScopes
            if let scopesNode = entries["scopes"] {
                let named = strings(scopesNode, at: "\(path).scopes") ?? []
                var chosen = Set<KeyScope>()
                for (scope, scopeNode) in named {
                    if let known = KeyScope.all.first(where: { $0.rawValue == scope }) {
                        chosen.insert(known)
                    } else {
                        let known = KeyScope.all.map(\.rawValue).joined(separator: ", ")
                        report(reader.invalid(scopeNode, "\(path).scopes", "unknown scope '\(scope)' (known scopes: \(known))"))
                    }
                }
                if named.isEmpty { report(reader.invalid(scopesNode, "\(path).scopes", "name at least one scope")) }
                if chosen.contains(.admin), let owner, owner.role != .admin {
                    report(
                        reader.invalid(
                            scopesNode,
                            "\(path).scopes",
                            "only a key of an admin user may have the 'admin' scope; '\(owner.name)' is a member"
                        )
                    )
                }
                if !chosen.isEmpty { scopes = chosen }
            }
            var models: Set<String>?
            if let modelsNode = entries["models"], !reader.isNull(modelsNode) {
                let named = strings(modelsNode, at: "\(path).models") ?? []
                if named.isEmpty { report(reader.invalid(modelsNode, "\(path).models", "name at least one model, or leave models out")) }
                for (model, modelNode) in named {
                    if let modelIDs, !modelIDs.contains(model) {
                        let known = modelIDs.sorted().joined(separator: ", ")
                        report(reader.invalid(modelNode, "\(path).models", "the model '\(model)' is not declared under models: (declared: \(known))"))
                    }
                }
                models = Set(named.map { $0.0 })
            }
            var expiresAt: Date?
            if let expiresNode = entries["expires"], !reader.isNull(expiresNode) {
                if let text = attempt({ try reader.nonEmptyString(expiresNode, at: "\(path).expires") }) {
                    expiresAt = Self.date(text)
                    if expiresAt == nil {
                        report(
                            reader.invalid(
                                expiresNode,
                                "\(path).expires",
                                "expected a date such as 2027-01-01 or 2027-01-01T12:00:00Z, got '\(text)'"
                            )
                        )
                    }
                }
            }
            if let other = keys.first(where: { $0.name == name }) {
                report(reader.invalid(nameNode, "\(path).name", "the key '\(name)' is declared twice (also for '\(other.user)')"))
                continue
            }
            guard let (hash, prefix, credentialNode) = keyCredential else { continue }
            if keys.contains(where: { $0.hash == hash }) {
                report(reader.invalid(credentialNode, path, "another key in this file has the same secret"))
                continue
            }
            keys.append(
                DeclaredKey(
                    name: name,
                    user: ownerName,
                    hash: hash,
                    prefix: prefix,
                    allowedModels: models,
                    scopes: scopes,
                    expiresAt: expiresAt,
                    location: Self.location(element)
                )
            )
        }
        return keys
    }

    /// The key's hash and display prefix, from `hash` or `secret` (exactly one of them).
    private func credential(_ entries: [String: Node], of element: Node, at path: String) -> (KeyHash, String, Node)? {
        switch (entries["hash"], entries["secret"]) {
        case (let hashNode?, _?):
            report(reader.invalid(hashNode, "\(path).hash", "give hash or secret, not both"))
        case (let hashNode?, nil):
            guard let text = attempt({ try reader.nonEmptyString(hashNode, at: "\(path).hash") }) else { return nil }
            guard let hash = KeyHash(text: text) else {
                report(reader.invalid(hashNode, "\(path).hash", "expected 'sha256:' and 64 hex digits (the SHA-256 of the key)"))
                return nil
            }
            return (hash, KeyHash.textPrefix + String(hash.hex.prefix(4)), hashNode)
        case (nil, let secretNode?):
            // Never quote the value: it is a secret.
            guard let text = attempt({ try reader.string(secretNode, at: "\(path).secret") }) else { return nil }
            guard let secret = APIKeySecret(text) else {
                report(
                    reader.invalid(
                        secretNode,
                        "\(path).secret",
                        "not an Enclave key: expected '\(APIKeySecret.marker)' and 43 to 128 base64url characters (make one with `enclave keys create`)"
                    )
                )
                return nil
            }
            return (secret.hash, secret.displayPrefix, secretNode)
        case (nil, nil):
            report(missing(element, "\(path).hash", "every key has a hash (sha256:…) or a secret (${ENV})"))
        }
        return nil
    }
}
