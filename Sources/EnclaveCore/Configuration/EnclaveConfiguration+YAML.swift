// Enclave: reading the configuration from YAML.

public import Foundation
import Yams

extension EnclaveConfiguration {
    /// Reads a configuration file.
    ///
    /// - Parameters:
    ///   - path: The YAML file. Relative paths inside it (model files, the data directory) are resolved
    ///     against the file's directory.
    ///   - environment: Variables for `${VAR}` substitution.
    ///   - readingDeclarations: Whether `teams:`, `users:` and `keys:` are read (and checked); the CLI's
    ///     storage commands skip them, so that they need none of the secrets' `${VAR}`s.
    /// - Throws: ``ConfigurationError`` naming the file, line and key.
    public static func load(
        path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        readingDeclarations: Bool = true
    ) throws -> EnclaveConfiguration {
        let url = URL(fileURLWithPath: path)
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigurationError(.unreadable, source: path, line: nil, key: nil, problem: "cannot read the file (\(error.localizedDescription))")
        }
        return try EnclaveConfiguration(
            yaml: text,
            source: path,
            baseDirectory: url.deletingLastPathComponent().path,
            environment: environment,
            readingDeclarations: readingDeclarations
        )
    }

    /// Parses a configuration from YAML text. Keys that are absent keep their defaults.
    ///
    /// ```swift
    /// let configuration = try EnclaveConfiguration(yaml: "listen:\n  port: 9000\n", environment: [:])
    /// ```
    /// - Parameters:
    ///   - yaml: The document.
    ///   - source: A name for errors (the file's path).
    ///   - baseDirectory: Directory against which relative paths are resolved; `nil` keeps them as written.
    ///   - environment: Variables for `${VAR}` substitution.
    ///   - readingDeclarations: Whether `teams:`, `users:` and `keys:` are read (and checked).
    /// - Throws: ``ConfigurationError`` naming the source, line and key.
    public init(
        yaml: String,
        source: String = "<config>",
        baseDirectory: String? = nil,
        environment: [String: String],
        readingDeclarations: Bool = true
    ) throws {
        self.init()
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigurationError(
                .syntax,
                source: source,
                line: Self.mark(of: error)?.line,
                column: Self.mark(of: error)?.column,
                key: nil,
                problem: Self.problem(of: error)
            )
        }
        guard let node, !ConfigurationReader(source: source, environment: environment).isNull(node) else { return }
        let reader = ConfigurationReader(source: source, environment: environment)
        let top = try reader.mapping(
            node,
            at: "",
            allowed: [
                "listen", "storage", "models", "backends", "limits", "logging", "server", "sessions", "audit", "scheduling", "knowledge",
                "guardrails",
            ]
                + Self.identityKeys + Self.assistantKeys
        )
        let resolve = { (path: String) -> String in
            guard let baseDirectory, !path.hasPrefix("/") else { return path }
            return URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardized.path
        }

        if let listenNode = top["listen"], !reader.isNull(listenNode) {
            let entries = try reader.mapping(listenNode, at: "listen", allowed: ["host", "port"])
            if let host = entries["host"] { listen.host = try reader.nonEmptyString(host, at: "listen.host") }
            if let port = entries["port"] { listen.port = try reader.int(port, at: "listen.port", in: 0...65535) }
        }
        if let storageNode = top["storage"], !reader.isNull(storageNode) {
            let entries = try reader.mapping(storageNode, at: "storage", allowed: ["data_dir"])
            if let dataDir = entries["data_dir"] {
                storage.dataDirectory = resolve(try reader.nonEmptyString(dataDir, at: "storage.data_dir"))
            }
        }
        if let modelsNode = top["models"] {
            models = try Self.models(modelsNode, reader: reader, resolve: resolve)
        } else if let backendsNode = top["backends"], !reader.isNull(backendsNode) {
            // A file that declares upstream backends and no models serves no embedded model.
            models = []
        }
        if let backendsNode = top["backends"] {
            backends = try Self.readBackends(backendsNode, embedded: models, reader: reader, resolve: resolve)
        }
        if let limitsNode = top["limits"], !reader.isNull(limitsNode) {
            try Self.readLimits(limitsNode, into: &limits, reader: reader)
        }
        if let loggingNode = top["logging"], !reader.isNull(loggingNode) {
            let entries = try reader.mapping(loggingNode, at: "logging", allowed: ["level", "format"])
            if let level = entries["level"] {
                logging.level = try reader.choice(level, at: "logging.level", among: LoggingConfiguration.levels)
            }
            if let format = entries["format"] {
                let name = try reader.choice(format, at: "logging.format", among: LoggingConfiguration.Format.allCases.map(\.rawValue))
                logging.format = LoggingConfiguration.Format(rawValue: name) ?? .text
            }
        }
        if let serverNode = top["server"], !reader.isNull(serverNode) {
            try Self.readServer(serverNode, into: &server, reader: reader)
        }
        if let auditNode = top["audit"], !reader.isNull(auditNode) {
            try Self.readAudit(auditNode, into: &audit, reader: reader)
        }
        if let sessionsNode = top["sessions"], !reader.isNull(sessionsNode) {
            try Self.readSessions(sessionsNode, into: &sessions, reader: reader)
        }
        if let schedulingNode = top["scheduling"], !reader.isNull(schedulingNode) {
            try Self.readScheduling(schedulingNode, into: &scheduling, reader: reader)
        }
        if let knowledgeNode = top["knowledge"], !reader.isNull(knowledgeNode) {
            try Self.readKnowledge(knowledgeNode, into: &knowledge, reader: reader)
        }
        if let guardrailsNode = top["guardrails"], !reader.isNull(guardrailsNode) {
            try Self.readGuardrails(guardrailsNode, into: &guardrails, reader: reader)
        }
        guard readingDeclarations else { return }
        let (identities, problems) = Self.readIdentities(top, reader: reader)
        if let problem = problems.first { throw problem }
        self.identities = identities
        let knowledge = Self.readAssistants(top, teams: identities.teams, reader: reader)
        if let problem = knowledge.problems.first { throw problem }
        (collections, assistants) = (knowledge.collections, knowledge.assistants)
    }

    private static func models(_ node: Node, reader: ConfigurationReader, resolve: (String) -> String) throws -> [ModelConfiguration] {
        let elements = try reader.sequence(node, at: "models")
        guard !elements.isEmpty else { throw reader.invalid(node, "models", "declare at least one model") }
        var models: [ModelConfiguration] = []
        for (index, element) in elements.enumerated() {
            let path = "models[\(index)]"
            let entries = try reader.mapping(element, at: path, allowed: ["id", "file", "kind", "context_length", "kv_budget", "threads"])
            guard let fileNode = entries["file"] else {
                throw ConfigurationError(
                    .missingKey,
                    source: reader.source,
                    line: element.mark?.line,
                    column: element.mark?.column,
                    key: "\(path).file",
                    problem: "every model needs a file"
                )
            }
            var model = ModelConfiguration(file: resolve(try reader.nonEmptyString(fileNode, at: "\(path).file")))
            if let idNode = entries["id"] {
                model.id = try reader.nonEmptyString(idNode, at: "\(path).id")
                guard model.id.count <= 128, !model.id.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                    throw reader.invalid(idNode, "\(path).id", "a model id has at most 128 characters and no spaces")
                }
            } else {
                model.id = ModelConfiguration.id(forFile: model.file)
            }
            if let duplicate = models.first(where: { $0.id == model.id }) {
                throw reader.invalid(entries["id"] ?? fileNode, "\(path).id", "the id '\(duplicate.id)' is already used by another model")
            }
            if let node = entries["context_length"], !reader.isNull(node) {
                model.contextLength = try reader.int(node, at: "\(path).context_length", in: 16...(1 << 24))
            }
            if let node = entries["kv_budget"], !reader.isNull(node) {
                model.kvBudgetBytes = try reader.byteCount(node, at: "\(path).kv_budget", in: (1 << 20)...(1 << 50))
            }
            if let node = entries["threads"], !reader.isNull(node) {
                model.threads = try reader.int(node, at: "\(path).threads", in: 1...1024)
            }
            if let node = entries["kind"], !reader.isNull(node) {
                let text = try reader.nonEmptyString(node, at: "\(path).kind")
                guard let kind = ModelKind(rawValue: text) else {
                    throw reader.invalid(node, "\(path).kind", "a model's kind is chat or embedding, got '\(text)'")
                }
                model.kind = kind
            }
            models.append(model)
        }
        return models
    }

    private static func mark(of error: YamlError) -> Mark? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark
        case .duplicatedKeysInMapping(_, let context): context.mark
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _), .composer(let context, let problem, _, _):
            ["invalid YAML:", context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        case .duplicatedKeysInMapping(let duplicates, _):
            "duplicate keys: \(duplicates.joined(separator: ", "))"
        default:
            "invalid YAML"
        }
    }
}
