// Enclave: runtime values of the Jinja interpreter, with Python's semantics.

/// A value while a template renders. Jinja is Python underneath, so values follow Python's rules: `bool` is a kind of
/// integer, strings are sequences of Unicode code points, dicts keep insertion order, and an undefined value prints as
/// the empty string but fails when used as an object.
enum JinjaValue {
    /// A name or attribute that does not exist; `hint` is the message used if it is used as an object.
    case undefined(hint: String)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([JinjaValue])
    case tuple([JinjaValue])
    case dict(JinjaDict)
    /// The mutable object made by `namespace()`.
    case namespace(JinjaNamespace)
    /// A built-in function or a bound method.
    case function(JinjaFunction)
    /// The `loop` variable inside a `for`.
    case loop(JinjaLoopInfo)

    var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    /// Python's type name, for error messages.
    var typeName: String {
        switch self {
        case .undefined: "Undefined"
        case .none: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        case .namespace: "Namespace"
        case .function: "function"
        case .loop: "LoopContext"
        }
    }

    /// Python truthiness.
    var isTruthy: Bool {
        switch self {
        case .undefined, .none: false
        case .bool(let value): value
        case .int(let value): value != 0
        case .double(let value): value != 0
        case .string(let value): !value.isEmpty
        case .list(let items), .tuple(let items): !items.isEmpty
        case .dict(let dict): !dict.isEmpty
        case .namespace, .function, .loop: true
        }
    }

    /// The value as a number (bool counts as 0 or 1), or nil.
    var number: JinjaNumber? {
        switch self {
        case .bool(let value): .int(value ? 1 : 0)
        case .int(let value): .int(value)
        case .double(let value): .double(value)
        default: nil
        }
    }

    /// The items when iterating: list and tuple items, string characters (code points), dict keys; undefined
    /// iterates as empty, as Jinja's `Undefined` does.
    func iterate(at position: JinjaPosition?) throws(ChatTemplateError) -> [JinjaValue] {
        switch self {
        case .undefined: return []
        case .list(let items), .tuple(let items): return items
        case .string(let text): return text.unicodeScalars.map { .string(String($0)) }
        case .dict(let dict): return dict.keys
        default:
            throw ChatTemplateError(.runtime, "'\(typeName)' object is not iterable", at: position)
        }
    }

    /// Python's `len()`.
    func length(at position: JinjaPosition?) throws(ChatTemplateError) -> Int {
        switch self {
        case .undefined: return 0
        case .string(let text): return text.unicodeScalars.count
        case .list(let items), .tuple(let items): return items.count
        case .dict(let dict): return dict.count
        default: throw ChatTemplateError(.runtime, "object of type '\(typeName)' has no len()", at: position)
        }
    }
}

/// A Python number.
enum JinjaNumber {
    case int(Int)
    case double(Double)

    var asDouble: Double {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        }
    }
}

/// A dict that keeps insertion order and compares keys with Python equality.
struct JinjaDict {
    private(set) var keys: [JinjaValue] = []
    private(set) var values: [JinjaValue] = []

    init() {}

    init(_ pairs: [(JinjaValue, JinjaValue)]) {
        for (key, value) in pairs { self[key] = value }
    }

    var count: Int { keys.count }
    var isEmpty: Bool { keys.isEmpty }
    var pairs: [(JinjaValue, JinjaValue)] { Array(zip(keys, values)) }

    func index(of key: JinjaValue) -> Int? {
        keys.firstIndex { JinjaValue.equal($0, key) }
    }

    subscript(key: JinjaValue) -> JinjaValue? {
        get { index(of: key).map { values[$0] } }
        set {
            if let i = index(of: key) {
                if let newValue {
                    values[i] = newValue
                } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    subscript(name: String) -> JinjaValue? {
        get { self[.string(name)] }
        set { self[.string(name)] = newValue }
    }
}

/// The object made by `namespace(...)`: attributes that `{% set ns.x = ... %}` can change from inside loops.
final class JinjaNamespace {
    var attributes = JinjaDict()
}

/// A callable: a global function (`range`, `namespace`, `raise_exception`, ...) or a bound method (`'x'.strip`).
struct JinjaFunction {
    let name: String
    let call:
        (_ positional: [JinjaValue], _ keyword: [(String, JinjaValue)], _ position: JinjaPosition?)
            throws(ChatTemplateError) -> JinjaValue
}

/// The state behind `loop.index`, `loop.first`, ...
final class JinjaLoopInfo {
    let items: [JinjaValue]
    var index0 = 0

    init(items: [JinjaValue]) {
        self.items = items
    }

    func attribute(_ name: String) -> JinjaValue? {
        let length = items.count
        switch name {
        case "index": return .int(index0 + 1)
        case "index0": return .int(index0)
        case "revindex": return .int(length - index0)
        case "revindex0": return .int(length - index0 - 1)
        case "first": return .bool(index0 == 0)
        case "last": return .bool(index0 == length - 1)
        case "length": return .int(length)
        case "depth": return .int(1)
        case "depth0": return .int(0)
        case "previtem":
            return index0 > 0 ? items[index0 - 1] : .undefined(hint: "there is no previous item")
        case "nextitem":
            return index0 + 1 < length ? items[index0 + 1] : .undefined(hint: "there is no next item")
        case "cycle":
            return .function(
                JinjaFunction(name: "cycle") { [index0] positional, _, position throws(ChatTemplateError) in
                    guard !positional.isEmpty else {
                        throw ChatTemplateError(.runtime, "no items for cycling given", at: position)
                    }
                    return positional[index0 % positional.count]
                }
            )
        default: return nil
        }
    }
}
