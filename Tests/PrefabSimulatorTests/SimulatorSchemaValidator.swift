import Foundation

/// A JSON value decoded by Foundation's `JSONDecoder`, independent of the simulator's parser.
indirect enum SimulatorTestJSON: Decodable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([SimulatorTestJSON])
    case object([String: SimulatorTestJSON])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([SimulatorTestJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: SimulatorTestJSON].self))
        }
    }

    static func parse(_ text: String) throws -> SimulatorTestJSON {
        try JSONDecoder().decode(SimulatorTestJSON.self, from: Data(text.utf8))
    }

    subscript(key: String) -> SimulatorTestJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }
}

/// A structural JSON-schema check written for the tests (the subset the simulator promises):
/// returns one message per violation, empty when `value` is valid.
struct SimulatorSchemaValidator {
    let root: SimulatorTestJSON

    func violations(of value: SimulatorTestJSON) -> [String] {
        check(value, against: root, at: "$")
    }

    private func resolve(_ reference: String) -> SimulatorTestJSON? {
        var node: SimulatorTestJSON? = root
        for token in reference.dropFirst().split(separator: "/") {
            node = node?[String(token)]
        }
        return node
    }

    private func check(_ value: SimulatorTestJSON, against schema: SimulatorTestJSON, at path: String) -> [String] {
        if case .bool(let allowed) = schema { return allowed ? [] : ["\(path): schema false"] }
        var problems: [String] = []
        if case .string(let reference)? = schema["$ref"] {
            guard let target = resolve(reference) else { return ["\(path): unresolvable \(reference)"] }
            problems += check(value, against: target, at: path)
        }
        if let constant = schema["const"], constant != value { problems.append("\(path): not the const") }
        if case .array(let options)? = schema["enum"], !options.contains(value) { problems.append("\(path): not in enum") }
        if case .array(let branches)? = schema["anyOf"],
           !branches.contains(where: { check(value, against: $0, at: path).isEmpty }) {
            problems.append("\(path): matches no anyOf branch")
        }
        if case .array(let branches)? = schema["oneOf"],
           branches.filter({ check(value, against: $0, at: path).isEmpty }).count != 1 {
            problems.append("\(path): does not match exactly one oneOf branch")
        }
        if case .array(let parts)? = schema["allOf"] {
            for part in parts { problems += check(value, against: part, at: path) }
        }
        var types: [String] = []
        switch schema["type"] {
        case .string(let type)?: types = [type]
        case .array(let list)?: types = list.compactMap { if case .string(let t) = $0 { t } else { nil } }
        default: break
        }
        if !types.isEmpty, !types.contains(where: { Self.has(value, type: $0) }) {
            problems.append("\(path): \(value) is not of type \(types)")
        }
        switch value {
        case .string(let text):
            if let minimum = schema["minLength"]?.number, Double(text.count) < minimum { problems.append("\(path): shorter than \(minimum)") }
            if let maximum = schema["maxLength"]?.number, Double(text.count) > maximum { problems.append("\(path): longer than \(maximum)") }
        case .int, .double:
            let number = value.number!
            if let minimum = schema["minimum"]?.number, number < minimum { problems.append("\(path): below \(minimum)") }
            if let maximum = schema["maximum"]?.number, number > maximum { problems.append("\(path): above \(maximum)") }
            if let minimum = schema["exclusiveMinimum"]?.number, number <= minimum { problems.append("\(path): not above \(minimum)") }
            if let maximum = schema["exclusiveMaximum"]?.number, number >= maximum { problems.append("\(path): not below \(maximum)") }
        case .array(let elements):
            if let minimum = schema["minItems"]?.number, Double(elements.count) < minimum { problems.append("\(path): fewer than \(minimum) items") }
            if let maximum = schema["maxItems"]?.number, Double(elements.count) > maximum { problems.append("\(path): more than \(maximum) items") }
            if let items = schema["items"] {
                for (index, element) in elements.enumerated() { problems += check(element, against: items, at: "\(path)[\(index)]") }
            }
        case .object(let members):
            if case .array(let required)? = schema["required"] {
                for case .string(let name) in required where members[name] == nil { problems.append("\(path): missing \(name)") }
            }
            let properties: [String: SimulatorTestJSON] = if case .object(let p)? = schema["properties"] { p } else { [:] }
            for (name, member) in members {
                if let propertySchema = properties[name] {
                    problems += check(member, against: propertySchema, at: "\(path).\(name)")
                } else if case .bool(false)? = schema["additionalProperties"] {
                    problems.append("\(path): unexpected property \(name)")
                } else if let additional = schema["additionalProperties"], case .object = additional {
                    problems += check(member, against: additional, at: "\(path).\(name)")
                }
            }
        default:
            break
        }
        return problems
    }

    private static func has(_ value: SimulatorTestJSON, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double),
             ("string", .string), ("array", .array), ("object", .object):
            true
        case ("integer", .double(let d)):
            d.rounded() == d
        default:
            false
        }
    }
}
