// Enclave: the global functions a chat template can call.

import Foundation

/// Jinja's default globals that chat templates use (`range`, `namespace`, `dict`) plus the two Hugging Face adds:
/// `raise_exception(message)` and `strftime_now(format)`.
enum JinjaBuiltins {
    static func globals(for interpreter: JinjaInterpreter) -> [String: JinjaValue] {
        let now = interpreter.now
        return [
            "range": .function(JinjaFunction(name: "range", call: range)),
            "namespace": .function(JinjaFunction(name: "namespace", call: namespace)),
            "dict": .function(
                JinjaFunction(name: "dict") { positional, keyword, position throws(ChatTemplateError) in
                    var dict = JinjaDict()
                    if let first = positional.first {
                        guard positional.count == 1, case .dict(let base) = first else {
                            throw ChatTemplateError(.runtime, "dict() takes one mapping argument", at: position)
                        }
                        dict = base
                    }
                    for (name, value) in keyword { dict[name] = value }
                    return .dict(dict)
                }
            ),
            "raise_exception": .function(
                JinjaFunction(name: "raise_exception") { positional, keyword, position throws(ChatTemplateError) in
                    let message = try JinjaArgumentBinder.bind(
                        "raise_exception",
                        [("message", nil)],
                        positional,
                        keyword,
                        at: position
                    )[0]
                    throw ChatTemplateError(.raised, message.pythonString, at: position)
                }
            ),
            "strftime_now": .function(
                JinjaFunction(name: "strftime_now") { positional, keyword, position throws(ChatTemplateError) in
                    let format = try JinjaArgumentBinder.bind(
                        "strftime_now",
                        [("format", nil)],
                        positional,
                        keyword,
                        at: position
                    )[0]
                    return .string(strftime(try format.requireString("format", at: position), now))
                }
            ),
        ]
    }

    private static func range(
        _ positional: [JinjaValue],
        _ keyword: [(String, JinjaValue)],
        _ position: JinjaPosition?
    )
        throws(ChatTemplateError) -> JinjaValue
    {
        guard keyword.isEmpty, (1...3).contains(positional.count) else {
            throw ChatTemplateError(.runtime, "range expected 1 to 3 integer arguments", at: position)
        }
        var bounds: [Int] = []
        for value in positional { bounds.append(try value.requireInt("range() argument", at: position)) }
        let (start, stop) = bounds.count == 1 ? (0, bounds[0]) : (bounds[0], bounds[1])
        let step = bounds.count == 3 ? bounds[2] : 1
        guard step != 0 else { throw ChatTemplateError(.runtime, "range() arg 3 must not be zero", at: position) }
        let span = step > 0 ? Double(stop) - Double(start) : Double(start) - Double(stop)
        let count = span <= 0 ? 0 : Int(min((span / Double(step.magnitude)).rounded(.up), 1e18))
        guard count <= JinjaInterpreter.maximumRange else {
            throw ChatTemplateError(
                .limit,
                "range too big, maximum size is \(JinjaInterpreter.maximumRange)",
                at: position
            )
        }
        return .list((0..<count).map { .int(start + $0 * step) })
    }

    private static func namespace(
        _ positional: [JinjaValue],
        _ keyword: [(String, JinjaValue)],
        _ position: JinjaPosition?
    ) throws(ChatTemplateError) -> JinjaValue {
        let namespace = JinjaNamespace()
        for value in positional {
            guard case .dict(let dict) = value else {
                throw ChatTemplateError(.runtime, "namespace() positional arguments must be mappings", at: position)
            }
            for (key, item) in dict.pairs { namespace.attributes[key] = item }
        }
        for (name, value) in keyword { namespace.attributes[name] = value }
        return .namespace(namespace)
    }

    /// Python's `datetime.now().strftime(format)` in the local time zone, C locale.
    static func strftime(_ format: String, _ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let year = parts.year ?? 1970
        let month = parts.month ?? 1
        let day = parts.day ?? 1
        let hour = parts.hour ?? 0
        let weekday = (parts.weekday ?? 1) - 1
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        let days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var out = ""
        var scalars = format.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "%" else {
                out.unicodeScalars.append(scalar)
                continue
            }
            guard var directive = scalars.next() else {
                out += "%"
                break
            }
            var pad = true
            if directive == "-", let next = scalars.next() {
                pad = false
                directive = next
            }
            func number(_ value: Int) -> String { pad ? two(value) : String(value) }
            switch directive {
            case "d": out += number(day)
            case "e": out += day < 10 && pad ? " \(day)" : String(day)
            case "m": out += number(month)
            case "Y": out += String(year)
            case "y": out += two(year % 100)
            case "H": out += number(hour)
            case "I": out += number(hour % 12 == 0 ? 12 : hour % 12)
            case "M": out += number(parts.minute ?? 0)
            case "S": out += number(parts.second ?? 0)
            case "p": out += hour < 12 ? "AM" : "PM"
            case "b", "h": out += String(months[month - 1].prefix(3))
            case "B": out += months[month - 1]
            case "a": out += String(days[weekday].prefix(3))
            case "A": out += days[weekday]
            case "j":
                let dayOfYear = calendar.ordinality(of: .day, in: .year, for: date) ?? 1
                out +=
                    pad
                    ? String(repeating: "0", count: max(0, 3 - String(dayOfYear).count)) + String(dayOfYear)
                    : String(dayOfYear)
            case "%": out += "%"
            default:
                out += "%"
                if !pad { out += "-" }
                out.unicodeScalars.append(directive)
            }
        }
        return out
    }
}
