// Enclave: Python's arithmetic operators for template values.

import Foundation

/// `+ - * / // % **` with Python's rules: `bool` counts as an integer, `/` always gives a float, `//` and `%` round
/// toward negative infinity, `+` joins strings, lists and tuples, and `*` repeats them. Integers that would overflow
/// 64 bits are an error (Python would switch to big integers).
enum JinjaArithmetic {
    static func apply(
        _ op: JinjaBinaryOperator,
        _ left: JinjaValue,
        _ right: JinjaValue,
        at position: JinjaPosition
    )
        throws(ChatTemplateError) -> JinjaValue
    {
        if left.isUndefined || right.isUndefined {
            throw JinjaValue.undefinedError(left.isUndefined ? left : right, at: position)
        }
        if let a = left.number, let b = right.number { return try numeric(op, a, b, at: position) }
        switch (op, left, right) {
        case (.add, .string(let a), .string(let b)): return .string(a + b)
        case (.add, .list(let a), .list(let b)): return .list(a + b)
        case (.add, .tuple(let a), .tuple(let b)): return .tuple(a + b)
        case (.multiply, .string, _), (.multiply, .list, _), (.multiply, .tuple, _):
            if case .int(let count)? = right.number { return try repeated(left, count, at: position) }
        case (.multiply, _, .string), (.multiply, _, .list), (.multiply, _, .tuple):
            if case .int(let count)? = left.number { return try repeated(right, count, at: position) }
        default:
            break
        }
        if op == .add, case .string = left {
            throw ChatTemplateError(
                .runtime,
                "can only concatenate str (not \"\(right.typeName)\") to str",
                at: position
            )
        }
        throw ChatTemplateError(
            .runtime,
            "unsupported operand type(s) for \(op.rawValue): '\(left.typeName)' and '\(right.typeName)'",
            at: position
        )
    }

    private static func repeated(
        _ value: JinjaValue,
        _ count: Int,
        at position: JinjaPosition
    )
        throws(ChatTemplateError) -> JinjaValue
    {
        let times = max(0, count)
        let length = try value.length(at: position)
        guard length.multipliedReportingOverflow(by: times).partialValue <= JinjaInterpreter.maximumOutput,
            !length.multipliedReportingOverflow(by: times).overflow
        else {
            throw ChatTemplateError(.limit, "repetition result is too large", at: position)
        }
        switch value {
        case .string(let text): return .string(String(repeating: text, count: times))
        case .list(let items): return .list(Array(repeatElement(items, count: times).joined()))
        case .tuple(let items): return .tuple(Array(repeatElement(items, count: times).joined()))
        default: return value
        }
    }

    private static func numeric(
        _ op: JinjaBinaryOperator,
        _ a: JinjaNumber,
        _ b: JinjaNumber,
        at position: JinjaPosition
    ) throws(ChatTemplateError) -> JinjaValue {
        if case .int(let x) = a, case .int(let y) = b {
            return try integer(op, x, y, at: position)
        }
        let x = a.asDouble
        let y = b.asDouble
        switch op {
        case .add: return .double(x + y)
        case .subtract: return .double(x - y)
        case .multiply: return .double(x * y)
        case .divide:
            guard y != 0 else { throw ChatTemplateError(.runtime, "float division by zero", at: position) }
            return .double(x / y)
        case .floorDivide:
            guard y != 0 else { throw ChatTemplateError(.runtime, "float floor division by zero", at: position) }
            return .double((x / y).rounded(.down))
        case .modulo:
            guard y != 0 else { throw ChatTemplateError(.runtime, "float modulo", at: position) }
            let remainder = fmod(x, y)
            return .double(remainder != 0 && (remainder < 0) != (y < 0) ? remainder + y : remainder)
        case .power: return .double(pow(x, y))
        default:
            throw ChatTemplateError(.runtime, "unsupported operator \(op.rawValue)", at: position)
        }
    }

    private static func integer(
        _ op: JinjaBinaryOperator,
        _ x: Int,
        _ y: Int,
        at position: JinjaPosition
    )
        throws(ChatTemplateError) -> JinjaValue
    {
        func checked(_ result: (partialValue: Int, overflow: Bool)) throws(ChatTemplateError) -> JinjaValue {
            guard !result.overflow else { throw ChatTemplateError(.runtime, "integer overflow", at: position) }
            return .int(result.partialValue)
        }
        switch op {
        case .add: return try checked(x.addingReportingOverflow(y))
        case .subtract: return try checked(x.subtractingReportingOverflow(y))
        case .multiply: return try checked(x.multipliedReportingOverflow(by: y))
        case .divide:
            guard y != 0 else { throw ChatTemplateError(.runtime, "division by zero", at: position) }
            return .double(Double(x) / Double(y))
        case .floorDivide, .modulo:
            guard y != 0 else { throw ChatTemplateError(.runtime, "integer division or modulo by zero", at: position) }
            guard !(x == .min && y == -1) else { throw ChatTemplateError(.runtime, "integer overflow", at: position) }
            var quotient = x / y
            var remainder = x % y
            if remainder != 0 && (remainder < 0) != (y < 0) {
                quotient -= 1
                remainder += y
            }
            return .int(op == .floorDivide ? quotient : remainder)
        case .power:
            if y < 0 { return .double(pow(Double(x), Double(y))) }
            var result = 1
            var base = x
            var exponent = y
            while exponent > 0 {
                if exponent & 1 == 1 {
                    let product = result.multipliedReportingOverflow(by: base)
                    guard !product.overflow else { throw ChatTemplateError(.runtime, "integer overflow", at: position) }
                    result = product.partialValue
                }
                exponent >>= 1
                if exponent > 0 {
                    let square = base.multipliedReportingOverflow(by: base)
                    guard !square.overflow else { throw ChatTemplateError(.runtime, "integer overflow", at: position) }
                    base = square.partialValue
                }
            }
            return .int(result)
        default:
            throw ChatTemplateError(.runtime, "unsupported operator \(op.rawValue)", at: position)
        }
    }
}
