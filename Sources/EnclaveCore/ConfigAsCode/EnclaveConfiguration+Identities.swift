// Enclave: reading the `teams:`, `users:` and `keys:` sections.

import Yams

extension EnclaveConfiguration {
    /// The top-level keys that declare identities.
    static let identityKeys = ["teams", "users", "keys"]

    /// The declarations of `teams:`, `users:` and `keys:`, with every problem found in them (their own, and
    /// the references between them and to the declared models).
    static func readIdentities(_ top: [String: Node], reader: ConfigurationReader) -> (DeclaredIdentities, [ConfigurationError]) {
        let declarations = DeclarationReader(reader: reader, modelIDs: declaredModelIDs(top, reader: reader))
        let identities = declarations.read(top)
        return (identities, declarations.problems)
    }

    /// The ids of the models under `models:` (an entry's `id`, else its file's name), read leniently so that
    /// references can be checked even when a model entry has a problem; `nil` if the file declares none.
    static func declaredModelIDs(_ top: [String: Node], reader: ConfigurationReader) -> Set<String>? {
        guard let node = top["models"], case .sequence(let elements) = node else { return nil }
        var ids = Set<String>()
        for element in elements {
            guard case .mapping(let mapping) = element else { continue }
            let entries = Dictionary(mapping.compactMap { key, value in key.string.map { ($0, value) } }) { first, _ in first }
            if let id = entries["id"].flatMap({ try? reader.string($0, at: "") }) {
                ids.insert(id)
            } else if let file = entries["file"].flatMap({ try? reader.string($0, at: "") }) {
                ids.insert(ModelConfiguration.id(forFile: file))
            }
        }
        return ids
    }
}
