// Enclave: reading the `collections:` and `assistants:` sections, collecting every problem.

import Foundation
import Yams

extension DeclarationReader {
    static let assistantKeys = [
        "id", "name", "description", "model", "system_prompt", "temperature", "top_p", "max_tokens", "collections", "retrieval",
        "guardrail_policy", "teams", "store_conversations",
    ]

    /// The declared collections. Teams must be declared under `teams:` in the same file.
    func collections(_ node: Node, teams: [DeclaredTeam]) -> [DeclaredCollection] {
        var collections: [DeclaredCollection] = []
        for (index, element) in elements(node, at: "collections") {
            let path = "collections[\(index)]"
            guard let entries = entries(element, at: path, allowed: ["name", "teams", "embedding_model"]),
                let (name, nameNode) = entryName(entries, of: element, at: path, check: NameRules.problem(with:))
            else { continue }
            var collection = DeclaredCollection(name: name, location: Self.location(element))
            if let node = entries["teams"] { collection.teams = declaredTeams(node, at: "\(path).teams", among: teams) }
            if let node = entries["embedding_model"], !reader.isNull(node) {
                collection.embeddingModel = attempt { try reader.nonEmptyString(node, at: "\(path).embedding_model") } ?? collection.embeddingModel
            }
            if collections.contains(where: { $0.name == name }) {
                report(reader.invalid(nameNode, "\(path).name", "the collection '\(name)' is declared twice"))
                continue
            }
            collections.append(collection)
        }
        return collections
    }

    /// The declared assistants. Checked offline: the id is a slug, unique, and no model's id; the model is
    /// declared under `models:`; the collections are declared under `collections:` (collections made through
    /// the API are not known when the file is checked, so a declared assistant may only use declared ones);
    /// the teams are declared under `teams:`; sampling and retrieval values are in range.
    func assistants(_ node: Node, teams: [DeclaredTeam], collections: [DeclaredCollection]) -> [DeclaredAssistant] {
        var assistants: [DeclaredAssistant] = []
        for (index, element) in elements(node, at: "assistants") {
            let path = "assistants[\(index)]"
            guard let entries = entries(element, at: path, allowed: Self.assistantKeys) else { continue }
            guard let idNode = entries["id"] else {
                report(missing(element, "\(path).id", "every assistant has an id (the name clients send as model)"))
                continue
            }
            guard let id = attempt({ try reader.nonEmptyString(idNode, at: "\(path).id") }) else { continue }
            if !Assistant.isSlug(id) {
                report(reader.invalid(idNode, "\(path).id", "'\(id)' is not a valid id: lowercase letters, digits, '-', '_' or '.'"))
            } else if modelIDs?.contains(id) == true {
                report(reader.invalid(idNode, "\(path).id", "'\(id)' is the id of a model; an assistant needs its own"))
            } else if assistants.contains(where: { $0.assistant.id == id }) {
                report(reader.invalid(idNode, "\(path).id", "the assistant '\(id)' is declared twice"))
            }
            var assistant = Assistant(id: id, name: id, model: "", createdAt: Date(timeIntervalSince1970: 0), managedBy: reader.source)
            if let node = entries["name"] { assistant.name = attempt { try reader.nonEmptyString(node, at: "\(path).name") } ?? id }
            if let node = entries["description"] { assistant.description = attempt { try reader.string(node, at: "\(path).description") } ?? "" }
            if let node = entries["system_prompt"] {
                assistant.systemPrompt = attempt { try reader.string(node, at: "\(path).system_prompt") } ?? ""
            }
            if let node = entries["model"] {
                if let model = attempt({ try reader.nonEmptyString(node, at: "\(path).model") }) {
                    if let modelIDs, !modelIDs.contains(model) {
                        report(reader.invalid(node, "\(path).model", "the model '\(model)' is not declared under models:"))
                    }
                    assistant.model = model
                }
            } else {
                report(missing(element, "\(path).model", "every assistant names its base model"))
            }
            if let node = entries["temperature"], !reader.isNull(node) {
                assistant.sampling.temperature = number(node, at: "\(path).temperature", in: 0...2)
            }
            if let node = entries["top_p"], !reader.isNull(node) {
                assistant.sampling.topP = number(node, at: "\(path).top_p", in: 0.000_001...1)
            }
            if let node = entries["max_tokens"], !reader.isNull(node) {
                assistant.sampling.maxTokens = attempt { try reader.int(node, at: "\(path).max_tokens", in: 1...(1 << 20)) }
            }
            if let node = entries["collections"] {
                for (name, nameNode) in strings(node, at: "\(path).collections") ?? [] {
                    if !collections.contains(where: { $0.name == name }) {
                        report(
                            reader.invalid(
                                nameNode,
                                "\(path).collections",
                                "the collection '\(name)' is not declared under collections: in this file"
                            )
                        )
                    } else if !assistant.collections.contains(name) {
                        assistant.collections.append(name)
                    }
                }
            }
            if let node = entries["retrieval"], !reader.isNull(node) { assistant.retrieval = retrieval(node, at: "\(path).retrieval") }
            if let node = entries["guardrail_policy"], !reader.isNull(node) {
                assistant.guardrailPolicy = attempt { try reader.nonEmptyString(node, at: "\(path).guardrail_policy") }
            }
            if let node = entries["teams"] { assistant.teamIDs = declaredTeams(node, at: "\(path).teams", among: teams) }
            if let node = entries["store_conversations"] {
                assistant.storeConversations =
                    attempt { try reader.choice(node, at: "\(path).store_conversations", among: ["true", "false"]) } == "true"
            }
            assistants.append(DeclaredAssistant(assistant: assistant, location: Self.location(element)))
        }
        return assistants
    }

    /// `retrieval: {top_k, min_relevance, mode, rerank, context_tokens}`.
    private func retrieval(_ node: Node, at path: String) -> Assistant.Retrieval {
        var retrieval = Assistant.Retrieval()
        guard let entries = entries(node, at: path, allowed: ["top_k", "min_relevance", "mode", "rerank", "context_tokens"]) else {
            return retrieval
        }
        if let node = entries["top_k"] {
            retrieval.settings.topK = attempt { try reader.int(node, at: "\(path).top_k", in: 1...50) } ?? retrieval.settings.topK
        }
        if let node = entries["min_relevance"] {
            retrieval.settings.minRelevance = number(node, at: "\(path).min_relevance", in: -1...1) ?? retrieval.settings.minRelevance
        }
        if let node = entries["mode"] {
            let modes = RetrievalSettings.Mode.allCases.map(\.rawValue)
            if let mode = attempt({ try reader.choice(node, at: "\(path).mode", among: modes) }) {
                retrieval.settings.mode = RetrievalSettings.Mode(rawValue: mode) ?? .hybrid
            }
        }
        if let node = entries["rerank"] {
            retrieval.settings.rerank = attempt { try reader.choice(node, at: "\(path).rerank", among: ["true", "false"]) } == "true"
        }
        if let node = entries["context_tokens"], !reader.isNull(node) {
            retrieval.contextTokens = attempt { try reader.int(node, at: "\(path).context_tokens", in: 16...(1 << 24)) }
        }
        return retrieval
    }

    /// Team names, each declared under `teams:`.
    private func declaredTeams(_ node: Node, at path: String, among teams: [DeclaredTeam]) -> [String] {
        var names: [String] = []
        for (team, teamNode) in strings(node, at: path) ?? [] {
            if teams.contains(where: { $0.name == team }) {
                if !names.contains(team) { names.append(team) }
            } else {
                report(reader.invalid(teamNode, path, "the team '\(team)' is not declared under teams: in this file"))
            }
        }
        return names
    }

    /// A number in a range.
    private func number(_ node: Node, at path: String, in range: ClosedRange<Double>) -> Double? {
        guard let text = attempt({ try reader.string(node, at: path) }) else { return nil }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            report(reader.invalid(node, path, "expected a number from \(range.lowerBound) to \(range.upperBound), got '\(text)'"))
            return nil
        }
        return value
    }
}
