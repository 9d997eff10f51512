// Enclave: executes parsed template statements.

import Foundation

/// Renders a parsed template. One interpreter renders once; it is not shared between threads.
///
/// Scoping follows Jinja: `set` at the top level or inside `if` changes the enclosing scope, while every iteration of a
/// `for` body gets a fresh scope (so a `set` inside a loop is forgotten when the iteration ends; templates use
/// `namespace()` to carry values out of loops).
final class JinjaInterpreter {
    /// Safety limits, so a hostile or broken template from a model file cannot exhaust the server.
    static let maximumOutput = 16 << 20
    static let maximumIterations = 1_000_000
    static let maximumRange = 100_000
    static let maximumCallDepth = 500

    private var scopes: [[String: JinjaValue]]
    private(set) var output = ""
    private var iterations = 0
    var callDepth = 0
    let now: Date

    enum Flow {
        case normal, breakLoop, continueLoop
    }

    init(variables: [String: JinjaValue], now: Date) {
        self.now = now
        scopes = [[:], variables]
        scopes[0] = JinjaBuiltins.globals(for: self)
    }

    func render(_ statements: [JinjaStatement]) throws(ChatTemplateError) -> String {
        _ = try execute(statements)
        return output
    }

    // MARK: - Variables

    func lookup(_ name: String) -> JinjaValue {
        for scope in scopes.reversed() {
            if let value = scope[name] { return value }
        }
        return .undefined(hint: "'\(name)' is undefined")
    }

    private func assign(_ target: JinjaTarget, _ value: JinjaValue, at position: JinjaPosition) throws(ChatTemplateError) {
        switch target {
        case .name(let name):
            scopes[scopes.count - 1][name] = value
        case .names(let names):
            let items = try value.iterate(at: position)
            guard items.count == names.count else {
                let problem = items.count < names.count ? "not enough" : "too many"
                throw ChatTemplateError(
                    .runtime,
                    "\(problem) values to unpack (expected \(names.count), got \(items.count))",
                    at: position
                )
            }
            for (name, item) in zip(names, items) { scopes[scopes.count - 1][name] = item }
        case .attribute(let object, let attribute):
            guard case .namespace(let namespace) = lookup(object) else {
                throw ChatTemplateError(.runtime, "cannot assign attribute on non-namespace object", at: position)
            }
            namespace.attributes[attribute] = value
        }
    }

    // MARK: - Statements

    func execute(_ statements: [JinjaStatement]) throws(ChatTemplateError) -> Flow {
        for statement in statements {
            let flow = try execute(statement)
            if flow != .normal { return flow }
        }
        return .normal
    }

    private func execute(_ statement: JinjaStatement) throws(ChatTemplateError) -> Flow {
        switch statement {
        case .text(let text):
            try write(text, at: nil)
        case .output(let expression):
            try write(try evaluate(expression).pythonString, at: nil)
        case .conditional(let branches, let otherwise):
            for branch in branches where try evaluate(branch.condition).isTruthy {
                return try execute(branch.body)
            }
            return try execute(otherwise)
        case .loop(let loop):
            return try execute(loop)
        case .assign(let target, let expression, let position):
            try assign(target, try evaluate(expression), at: position)
        case .assignBlock(let target, let body, let filters, let position):
            var value = JinjaValue.string(try capture(body))
            for filter in filters { value = try JinjaFilters.apply(filter, to: value, in: self) }
            try assign(target, value, at: position)
        case .filterBlock(let body, let filters):
            var value = JinjaValue.string(try capture(body))
            for filter in filters { value = try JinjaFilters.apply(filter, to: value, in: self) }
            try write(value.pythonString, at: nil)
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        }
        return .normal
    }

    private func execute(_ loop: JinjaLoopStatement) throws(ChatTemplateError) -> Flow {
        var items = try evaluate(loop.iterable).iterate(at: loop.position)
        if let filter = loop.filter {
            var kept: [JinjaValue] = []
            for item in items {
                try countIteration(at: loop.position)
                scopes.append([:])
                defer { scopes.removeLast() }
                try assign(loop.target, item, at: loop.position)
                if try evaluate(filter).isTruthy { kept.append(item) }
            }
            items = kept
        }
        guard !items.isEmpty else { return try execute(loop.otherwise) }
        let info = JinjaLoopInfo(items: items)
        for (offset, item) in items.enumerated() {
            try countIteration(at: loop.position)
            info.index0 = offset
            scopes.append(["loop": .loop(info)])
            defer { scopes.removeLast() }
            try assign(loop.target, item, at: loop.position)
            if try execute(loop.body) == .breakLoop { break }
        }
        return .normal
    }

    private func countIteration(at position: JinjaPosition) throws(ChatTemplateError) {
        iterations += 1
        guard iterations <= Self.maximumIterations else {
            throw ChatTemplateError(.limit, "template ran more than \(Self.maximumIterations) loop iterations", at: position)
        }
    }

    private func write(_ text: String, at position: JinjaPosition?) throws(ChatTemplateError) {
        output += text
        guard output.utf8.count <= Self.maximumOutput else {
            throw ChatTemplateError(.limit, "template output exceeds \(Self.maximumOutput) bytes", at: position)
        }
    }

    /// Renders `body` into a separate buffer (for block `set` and `filter`).
    private func capture(_ body: [JinjaStatement]) throws(ChatTemplateError) -> String {
        let saved = output
        output = ""
        defer { output = saved }
        _ = try execute(body)
        return output
    }
}
