// Enclave: reading the `collections:` and `assistants:` sections.

import Yams

extension EnclaveConfiguration {
    static let assistantKeys = ["collections", "assistants"]

    /// The declared collections and assistants, with every problem found (each at its line and column).
    static func readAssistants(
        _ top: [String: Node],
        teams: [DeclaredTeam],
        reader: ConfigurationReader
    ) -> (collections: [DeclaredCollection], assistants: [DeclaredAssistant], problems: [ConfigurationError]) {
        let declarations = DeclarationReader(reader: reader, modelIDs: declaredModelIDs(top, reader: reader))
        var collections: [DeclaredCollection] = []
        var assistants: [DeclaredAssistant] = []
        if let node = top["collections"], !reader.isNull(node) { collections = declarations.collections(node, teams: teams) }
        if let node = top["assistants"], !reader.isNull(node) {
            assistants = declarations.assistants(node, teams: teams, collections: collections)
        }
        return (collections, assistants, declarations.problems)
    }
}
