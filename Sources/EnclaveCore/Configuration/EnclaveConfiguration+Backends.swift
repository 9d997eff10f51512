// Enclave: reading the `backends:` section (upstream servers).

import Yams

extension EnclaveConfiguration {
    /// The keys of one `backends[]` entry.
    static let backendKeys = [
        "name", "type", "url", "replicas", "api_key", "ca_file", "tls_verify", "timeouts", "concurrency", "models", "aliases",
        "fallbacks", "context_length", "retries", "health",
    ]

    /// Reads `backends:`, then checks the model ids, aliases and fallbacks across every backend and
    /// against the embedded models.
    static func readBackends(
        _ node: Node,
        embedded: [ModelConfiguration],
        reader: ConfigurationReader,
        resolve: (String) -> String
    ) throws -> [UpstreamConfiguration] {
        guard !reader.isNull(node) else { return [] }
        var backends: [UpstreamConfiguration] = []
        // Every client-visible id (embedded models, upstream models, aliases) and where it was declared.
        var taken: [String: String] = Dictionary(embedded.map { ($0.id, "the embedded model") }, uniquingKeysWith: { first, _ in first })
        var fallbackNodes: [(path: String, node: Node, targets: [String])] = []
        for (index, element) in try reader.sequence(node, at: "backends").enumerated() {
            let path = "backends[\(index)]"
            let entries = try reader.mapping(element, at: path, allowed: backendKeys)
            guard let nameNode = entries["name"] else { throw missing(element, "\(path).name", "every backend needs a name", reader) }
            let name = try identifier(nameNode, at: "\(path).name", reader: reader)
            if backends.contains(where: { $0.name == name }) {
                throw reader.invalid(nameNode, "\(path).name", "the name '\(name)' is already used by another backend")
            }
            if let typeNode = entries["type"] {
                _ = try reader.choice(typeNode, at: "\(path).type", among: UpstreamConfiguration.Kind.allCases.map(\.rawValue))
            } else {
                throw missing(element, "\(path).type", "every backend needs a type (openai)", reader)
            }
            var backend = UpstreamConfiguration(name: name, replicas: try replicas(entries, element: element, at: path, reader: reader))
            if let node = entries["api_key"], !reader.isNull(node) { backend.apiKey = try reader.nonEmptyString(node, at: "\(path).api_key") }
            if let node = entries["ca_file"], !reader.isNull(node) {
                backend.caFile = resolve(try reader.nonEmptyString(node, at: "\(path).ca_file"))
            }
            if let node = entries["tls_verify"] {
                backend.tlsVerify = try reader.choice(node, at: "\(path).tls_verify", among: ["true", "false"]) == "true"
            }
            if let node = entries["concurrency"] { backend.concurrencyPerReplica = try reader.int(node, at: "\(path).concurrency", in: 1...4096) }
            if let node = entries["context_length"], !reader.isNull(node) {
                backend.contextLength = try reader.int(node, at: "\(path).context_length", in: 16...(1 << 24))
            }
            if let node = entries["retries"] { backend.retries = try reader.int(node, at: "\(path).retries", in: 0...10) }
            if let node = entries["timeouts"], !reader.isNull(node) {
                backend.timeouts = try timeouts(node, at: "\(path).timeouts", reader: reader)
            }
            if let node = entries["health"], !reader.isNull(node) {
                backend.health = try health(node, at: "\(path).health", reader: reader)
            }
            if let node = entries["models"], !reader.isNull(node) {
                let elements = try reader.sequence(node, at: "\(path).models")
                guard !elements.isEmpty else {
                    throw reader.invalid(node, "\(path).models", "list at least one model, or leave models out to discover them")
                }
                var models: [String] = []
                for (modelIndex, modelNode) in elements.enumerated() {
                    let modelPath = "\(path).models[\(modelIndex)]"
                    let id = try identifier(modelNode, at: modelPath, reader: reader)
                    if let owner = taken[id] { throw reader.invalid(modelNode, modelPath, "the model id '\(id)' is already used by \(owner)") }
                    taken[id] = "backend '\(name)'"
                    models.append(id)
                }
                backend.models = models
            }
            if let node = entries["aliases"], !reader.isNull(node) {
                for (alias, target) in try reader.mapping(node, at: "\(path).aliases", allowed: nil) {
                    let aliasPath = "\(path).aliases.\(alias)"
                    let targetID = try identifier(target, at: aliasPath, reader: reader)
                    if let owner = taken[alias] { throw reader.invalid(target, aliasPath, "the id '\(alias)' is already used by \(owner)") }
                    if let models = backend.models, !models.contains(targetID) {
                        throw reader.invalid(
                            target,
                            aliasPath,
                            "'\(targetID)' is not one of this backend's models (\(models.joined(separator: ", ")))"
                        )
                    }
                    taken[alias] = "an alias of backend '\(name)'"
                    backend.aliases[alias] = targetID
                }
            }
            if let node = entries["fallbacks"], !reader.isNull(node) {
                for (model, targetsNode) in try reader.mapping(node, at: "\(path).fallbacks", allowed: nil) {
                    let fallbackPath = "\(path).fallbacks.\(model)"
                    if let models = backend.models, !models.contains(model) {
                        throw reader.invalid(targetsNode, fallbackPath, "'\(model)' is not one of this backend's models")
                    }
                    var targets: [String] = []
                    for (targetIndex, targetNode) in try reader.sequence(targetsNode, at: fallbackPath).enumerated() {
                        let target = try identifier(targetNode, at: "\(fallbackPath)[\(targetIndex)]", reader: reader)
                        guard target != model else {
                            throw reader.invalid(targetNode, "\(fallbackPath)[\(targetIndex)]", "a model cannot fall back to itself")
                        }
                        targets.append(target)
                    }
                    backend.fallbacks[model] = targets
                    fallbackNodes.append((fallbackPath, targetsNode, targets))
                }
            }
            backends.append(backend)
        }
        // A fallback names a model that some upstream backend serves (listed, or one that discovers its models).
        let discovers = backends.contains { $0.models == nil }
        let upstreamIDs = Set(backends.flatMap { ($0.models ?? []) + $0.aliases.keys })
        for (path, node, targets) in fallbackNodes where !discovers {
            if let unknown = targets.first(where: { !upstreamIDs.contains($0) }) {
                throw reader.invalid(node, path, "'\(unknown)' is not a model of any upstream backend")
            }
        }
        return backends
    }

    private static func replicas(_ entries: [String: Node], element: Node, at path: String, reader: ConfigurationReader) throws -> [String] {
        switch (entries["url"], entries["replicas"]) {
        case (let url?, nil):
            return [try baseURL(url, at: "\(path).url", reader: reader)]
        case (nil, let list?):
            let elements = try reader.sequence(list, at: "\(path).replicas")
            guard !elements.isEmpty else { throw reader.invalid(list, "\(path).replicas", "list at least one URL") }
            var urls: [String] = []
            for (index, node) in elements.enumerated() {
                let url = try baseURL(node, at: "\(path).replicas[\(index)]", reader: reader)
                guard !urls.contains(url) else { throw reader.invalid(node, "\(path).replicas[\(index)]", "this URL is listed twice") }
                urls.append(url)
            }
            return urls
        case (_?, let list?):
            throw reader.invalid(list, "\(path).replicas", "give either url or replicas, not both")
        case (nil, nil):
            throw missing(element, "\(path).url", "every backend needs a url (or replicas: [url, ...])", reader)
        }
    }

    /// An `http://` or `https://` URL with a host, without a trailing slash.
    private static func baseURL(_ node: Node, at path: String, reader: ConfigurationReader) throws -> String {
        var text = try reader.nonEmptyString(node, at: path)
        while text.hasSuffix("/") { text.removeLast() }
        let lower = text.lowercased()
        guard let scheme = ["http://", "https://"].first(where: { lower.hasPrefix($0) }) else {
            throw reader.invalid(node, path, "expected an http:// or https:// URL, got '\(text)'")
        }
        let rest = text.dropFirst(scheme.count)
        guard let host = rest.split(separator: "/").first, !host.isEmpty, !host.hasPrefix(":"), !rest.contains(where: \.isWhitespace),
            !rest.contains("?"), !rest.contains("#")
        else {
            throw reader.invalid(node, path, "expected a URL with a host and no query, such as http://gpu-box:8000/v1, got '\(text)'")
        }
        return text
    }

    private static func timeouts(_ node: Node, at path: String, reader: ConfigurationReader) throws -> UpstreamConfiguration.Timeouts {
        let entries = try reader.mapping(node, at: path, allowed: ["connect", "first_byte", "idle", "total"])
        var timeouts = UpstreamConfiguration.Timeouts()
        if let value = entries["connect"] { timeouts.connect = try reader.seconds(value, at: "\(path).connect", in: 0.01...600) }
        if let value = entries["first_byte"] { timeouts.firstByte = try reader.seconds(value, at: "\(path).first_byte", in: 0.01...86_400) }
        if let value = entries["idle"] { timeouts.idle = try reader.seconds(value, at: "\(path).idle", in: 0.01...86_400) }
        if let value = entries["total"] { timeouts.total = try reader.seconds(value, at: "\(path).total", in: 0.01...86_400) }
        return timeouts
    }

    private static func health(_ node: Node, at path: String, reader: ConfigurationReader) throws -> UpstreamConfiguration.Health {
        let entries = try reader.mapping(node, at: path, allowed: ["interval", "path", "failures", "cooldown"])
        var health = UpstreamConfiguration.Health()
        if let value = entries["interval"] { health.intervalSeconds = try reader.seconds(value, at: "\(path).interval", in: 0...86_400) }
        if let value = entries["path"], !reader.isNull(value) {
            let text = try reader.nonEmptyString(value, at: "\(path).path")
            guard text.hasPrefix("/"), !text.contains(where: \.isWhitespace) else {
                throw reader.invalid(value, "\(path).path", "expected a path starting with /, such as /models or /health")
            }
            health.path = text
        }
        if let value = entries["failures"] { health.failureThreshold = try reader.int(value, at: "\(path).failures", in: 1...1000) }
        if let value = entries["cooldown"] { health.cooldownSeconds = try reader.seconds(value, at: "\(path).cooldown", in: 0.01...86_400) }
        return health
    }

    /// A model id or name: at most 128 characters, no spaces.
    private static func identifier(_ node: Node, at path: String, reader: ConfigurationReader) throws -> String {
        let text = try reader.nonEmptyString(node, at: path)
        guard text.count <= 128, !text.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw reader.invalid(node, path, "expected a name of at most 128 characters without spaces, got '\(text)'")
        }
        return text
    }

    private static func missing(_ node: Node, _ path: String, _ problem: String, _ reader: ConfigurationReader) -> ConfigurationError {
        ConfigurationError(.missingKey, source: reader.source, line: node.mark?.line, column: node.mark?.column, key: path, problem: problem)
    }
}
