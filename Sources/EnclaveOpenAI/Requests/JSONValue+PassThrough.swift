// Enclave OpenAI dialect: the fields of a request body that Enclave does not know, kept for upstreams.

import Foundation

extension JSONValue {
    /// A coding key for any field name.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The fields of the JSON object being decoded whose names are not among `known`'s cases, with their values.
    public static func unknownFields<Keys: CodingKey & CaseIterable>(in decoder: any Decoder, known: Keys.Type) throws -> [String: JSONValue] {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let knownNames = Set(Keys.allCases.map(\.stringValue))
        var fields: [String: JSONValue] = [:]
        for key in container.allKeys where !knownNames.contains(key.stringValue) {
            fields[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
        }
        return fields
    }

    /// `fields` as one JSON object's text, keys sorted; `nil` when there are none.
    public static func objectText(_ fields: [String: JSONValue]) -> String? {
        guard !fields.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(fields) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The fields of a JSON object's text (``InferenceRequest/passThrough``); empty for `nil` or text that is not an object.
    public static func fields(ofObject text: String?) -> [String: JSONValue] {
        guard let text, case .object(let fields)? = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return [:] }
        return fields
    }
}
