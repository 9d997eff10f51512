// Enclave: expression evaluation with Python's operators and Jinja's sandboxed attribute lookup.

extension JinjaInterpreter {
    func evaluate(_ expression: JinjaExpression) throws(ChatTemplateError) -> JinjaValue {
        switch expression {
        case .none: return .none
        case .bool(let value): return .bool(value)
        case .int(let value): return .int(value)
        case .double(let value): return .double(value)
        case .string(let value): return .string(value)
        case .name(let name, _): return lookup(name)
        case .list(let items): return .list(try items.map { (item) throws(ChatTemplateError) in try evaluate(item) })
        case .tuple(let items): return .tuple(try items.map { (item) throws(ChatTemplateError) in try evaluate(item) })
        case .dict(let items):
            var dict = JinjaDict()
            for item in items { dict[try evaluate(item.key)] = try evaluate(item.value) }
            return .dict(dict)
        case .attribute(let base, let name, let position):
            let object = try evaluate(base)
            if object.isUndefined { throw JinjaValue.undefinedError(object, at: position) }
            return attribute(of: object, name)
        case .item(let base, let key, let position):
            let object = try evaluate(base)
            if object.isUndefined { throw JinjaValue.undefinedError(object, at: position) }
            return try item(of: object, try evaluate(key), at: position)
        case .slice(let base, let start, let stop, let step, let position):
            let object = try evaluate(base)
            if object.isUndefined { throw JinjaValue.undefinedError(object, at: position) }
            return try slice(
                object,
                start: try start.map { (e) throws(ChatTemplateError) in try evaluate(e) },
                stop: try stop.map { (e) throws(ChatTemplateError) in try evaluate(e) },
                step: try step.map { (e) throws(ChatTemplateError) in try evaluate(e) },
                at: position
            )
        case .call(let callee, let arguments, let position):
            let function = try evaluate(callee)
            let (positional, keyword) = try evaluate(arguments)
            return try call(function, positional, keyword, at: position)
        case .filter(let base, let filter):
            return try JinjaFilters.apply(filter, to: try evaluate(base), in: self)
        case .test(let base, let name, let arguments, let negated, let position):
            let value = try evaluate(base)
            let (positional, keyword) = try evaluate(arguments)
            let result = try JinjaPredicates.test(name, value, positional, keyword, in: self, at: position)
            return .bool(result != negated)
        case .not(let operand):
            return .bool(!(try evaluate(operand)).isTruthy)
        case .negate(let operand, let position):
            switch try evaluate(operand) {
            case .int(let value) where value != .min: return .int(-value)
            case .bool(let value): return .int(value ? -1 : 0)
            case .double(let value): return .double(-value)
            case let other:
                if other.isUndefined { throw JinjaValue.undefinedError(other, at: position) }
                throw ChatTemplateError(.runtime, "bad operand type for unary -: '\(other.typeName)'", at: position)
            }
        case .plus(let operand, let position):
            let value = try evaluate(operand)
            guard let number = value.number else {
                if value.isUndefined { throw JinjaValue.undefinedError(value, at: position) }
                throw ChatTemplateError(.runtime, "bad operand type for unary +: '\(value.typeName)'", at: position)
            }
            if case .int(let integer) = number { return .int(integer) }
            return value
        case .binary(.and, let left, let right, _):
            let value = try evaluate(left)
            return value.isTruthy ? try evaluate(right) : value
        case .binary(.or, let left, let right, _):
            let value = try evaluate(left)
            return value.isTruthy ? value : try evaluate(right)
        case .binary(.concat, let left, let right, _):
            return .string(try evaluate(left).pythonString + (try evaluate(right)).pythonString)
        case .binary(let op, let left, let right, let position):
            return try JinjaArithmetic.apply(op, try evaluate(left), try evaluate(right), at: position)
        case .compare(let first, let operations, let position):
            var left = try evaluate(first)
            for (comparison, expression) in operations {
                let right = try evaluate(expression)
                guard try compare(comparison, left, right, at: position) else { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .conditional(let condition, let then, let otherwise):
            if try evaluate(condition).isTruthy { return try evaluate(then) }
            guard let otherwise else { return .undefined(hint: "the inline if-expression evaluated to false") }
            return try evaluate(otherwise)
        }
    }

    func evaluate(_ arguments: JinjaArguments) throws(ChatTemplateError) -> ([JinjaValue], [(String, JinjaValue)]) {
        var positional: [JinjaValue] = []
        for expression in arguments.positional { positional.append(try evaluate(expression)) }
        var keyword: [(String, JinjaValue)] = []
        for (name, expression) in arguments.keyword { keyword.append((name, try evaluate(expression))) }
        return (positional, keyword)
    }

    func call(
        _ callee: JinjaValue,
        _ positional: [JinjaValue],
        _ keyword: [(String, JinjaValue)],
        at position: JinjaPosition?
    ) throws(ChatTemplateError) -> JinjaValue {
        guard case .function(let function) = callee else {
            if callee.isUndefined { throw JinjaValue.undefinedError(callee, at: position) }
            throw ChatTemplateError(.runtime, "'\(callee.typeName)' object is not callable", at: position)
        }
        callDepth += 1
        defer { callDepth -= 1 }
        guard callDepth <= Self.maximumCallDepth else {
            throw ChatTemplateError(.limit, "calls nest deeper than \(Self.maximumCallDepth)", at: position)
        }
        return try function.call(positional, keyword, position)
    }

    func compare(
        _ comparison: JinjaComparison,
        _ left: JinjaValue,
        _ right: JinjaValue,
        at position: JinjaPosition?
    )
        throws(ChatTemplateError) -> Bool
    {
        switch comparison {
        case .equal: return JinjaValue.equal(left, right)
        case .notEqual: return !JinjaValue.equal(left, right)
        case .less: return try JinjaValue.less(left, right, "<", at: position)
        case .greater: return try JinjaValue.less(right, left, ">", at: position)
        case .lessOrEqual:
            return try JinjaValue.less(left, right, "<=", at: position) || JinjaValue.equal(left, right)
        case .greaterOrEqual:
            return try JinjaValue.less(right, left, ">=", at: position) || JinjaValue.equal(left, right)
        case .contains: return try contains(right, left, at: position)
        case .notContains: return !(try contains(right, left, at: position))
        }
    }

    /// Python's `needle in container`.
    func contains(
        _ container: JinjaValue,
        _ needle: JinjaValue,
        at position: JinjaPosition?
    ) throws(ChatTemplateError)
        -> Bool
    {
        switch container {
        case .string(let text):
            guard case .string(let part) = needle else {
                throw ChatTemplateError(
                    .runtime,
                    "'in <string>' requires string as left operand, not \(needle.typeName)",
                    at: position
                )
            }
            return part.isEmpty || text.unicodeScalars.firstRange(of: part.unicodeScalars) != nil
        case .list(let items), .tuple(let items): return items.contains { JinjaValue.equal($0, needle) }
        case .dict(let dict): return dict.index(of: needle) != nil
        case .undefined: return false
        case .namespace(let namespace): return namespace.attributes.index(of: needle) != nil
        default:
            throw ChatTemplateError(.runtime, "argument of type '\(container.typeName)' is not iterable", at: position)
        }
    }

    // MARK: - Attribute and item lookup

    /// `object.name`: a method or attribute first, then an item, as Jinja's sandboxed `getattr`.
    func attribute(of object: JinjaValue, _ name: String) -> JinjaValue {
        if let method = JinjaMethods.method(named: name, of: object, in: self) { return method }
        switch object {
        case .dict(let dict):
            if let value = dict[name] { return value }
        case .namespace(let namespace):
            if let value = namespace.attributes[name] { return value }
        case .loop(let loop):
            if let value = loop.attribute(name) { return value }
        default:
            break
        }
        return .undefined(hint: "\(Self.objectDescription(object)) has no attribute '\(name)'")
    }

    /// `object[key]`: an item first, then (for string keys) a method or attribute, as Jinja's sandboxed `getitem`.
    func item(
        of object: JinjaValue,
        _ key: JinjaValue,
        at position: JinjaPosition?
    ) throws(ChatTemplateError)
        -> JinjaValue
    {
        switch (object, key.number) {
        case (.list(let items), .int(let index)?), (.tuple(let items), .int(let index)?):
            let resolved = index < 0 ? index + items.count : index
            if items.indices.contains(resolved) { return items[resolved] }
            return .undefined(hint: "\(Self.objectDescription(object)) has no element \(key.pythonRepr)")
        case (.string(let text), .int(let index)?):
            let scalars = Array(text.unicodeScalars)
            let resolved = index < 0 ? index + scalars.count : index
            if scalars.indices.contains(resolved) { return .string(String(scalars[resolved])) }
            return .undefined(hint: "\(Self.objectDescription(object)) has no element \(key.pythonRepr)")
        case (.dict(let dict), _):
            if let value = dict[key] { return value }
        default:
            break
        }
        if case .string(let name) = key { return attribute(of: object, name) }
        return .undefined(hint: "\(Self.objectDescription(object)) has no element \(key.pythonRepr)")
    }

    /// Jinja's `object_type_repr`, quoted as in its undefined messages.
    static func objectDescription(_ object: JinjaValue) -> String {
        if case .none = object { return "'None'" }
        return "'\(object.typeName) object'"
    }

    /// Python slicing of lists, tuples and strings.
    func slice(
        _ object: JinjaValue,
        start: JinjaValue?,
        stop: JinjaValue?,
        step: JinjaValue?,
        at position: JinjaPosition?
    ) throws(ChatTemplateError) -> JinjaValue {
        func bound(_ value: JinjaValue?) throws(ChatTemplateError) -> Int? {
            guard let value, !isNone(value) else { return nil }
            guard case .int(let integer)? = value.number else {
                throw ChatTemplateError(
                    .runtime,
                    "slice indices must be integers or None, not \(value.typeName)",
                    at: position
                )
            }
            return integer
        }
        let stepValue = try bound(step) ?? 1
        guard stepValue != 0 else { throw ChatTemplateError(.runtime, "slice step cannot be zero", at: position) }
        func indices(count: Int) throws(ChatTemplateError) -> [Int] {
            func clamp(_ value: Int?, _ defaultValue: Int) -> Int {
                guard var value else { return defaultValue }
                if value < 0 {
                    value += count
                    if value < 0 { value = stepValue < 0 ? -1 : 0 }
                } else if value >= count {
                    value = stepValue < 0 ? count - 1 : count
                }
                return value
            }
            let first = clamp(try bound(start), stepValue < 0 ? count - 1 : 0)
            let last = clamp(try bound(stop), stepValue < 0 ? -1 : count)
            return Array(stride(from: first, to: last, by: stepValue))
        }
        switch object {
        case .list(let items): return .list(try indices(count: items.count).map { items[$0] })
        case .tuple(let items): return .tuple(try indices(count: items.count).map { items[$0] })
        case .string(let text):
            let scalars = Array(text.unicodeScalars)
            var out = String.UnicodeScalarView()
            for i in try indices(count: scalars.count) { out.append(scalars[i]) }
            return .string(String(out))
        default:
            throw ChatTemplateError(.runtime, "'\(object.typeName)' object is not subscriptable", at: position)
        }
    }

    private func isNone(_ value: JinjaValue) -> Bool {
        if case .none = value { return true }
        return false
    }
}
