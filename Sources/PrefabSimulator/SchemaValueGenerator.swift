import Foundation
import PrefabShards

/// Makes a JSON value valid for a JSON schema, the way a server with constrained decoding would
/// answer a `response_format: json_schema` request, so judges can be tested end to end.
///
/// Supported: `type` (one type or a list; `null` is chosen only when it is the sole type),
/// `enum`, `const`, `properties` (all emitted, in schema order), `required`,
/// `additionalProperties`, `minProperties`, `items`, `prefixItems`, `minItems`, `maxItems`,
/// `uniqueItems` (best effort), `minLength`, `maxLength`, `format` (date-time, date, time, email,
/// uri, uuid, ipv4), `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (numbers or
/// draft-4 booleans), `multipleOf`, `anyOf`/`oneOf` (first branch), `allOf` (merged), and local
/// `$ref`s (`#/$defs/...`, `#/definitions/...`). `pattern` is not honoured.
/// Values come from a seeded generator, so the same request gives the same JSON.
struct SchemaValueGenerator {
    private let root: JSONValue
    private var text: TextGenerator
    private var generator: SplitMix64
    private static let maximumDepth = 24

    init(root: JSONValue, text: TextGenerator, generator: SplitMix64) {
        self.root = root
        self.text = text
        self.generator = generator
    }

    mutating func generate() -> JSONValue {
        value(for: root, depth: 0)
    }

    private mutating func value(for schema: JSONValue, depth: Int) -> JSONValue {
        guard depth < Self.maximumDepth else { return .null }
        switch schema {
        case .bool(let allowed):
            return allowed ? .string(text.phrase(minLength: 0, maxLength: nil, targetWords: 3, using: &generator)) : .null
        case .object:
            break
        default:
            return .null
        }
        if let reference = schema["$ref"]?.stringValue, let target = resolve(reference) {
            return value(for: target, depth: depth + 1)
        }
        if let constant = schema["const"] { return constant }
        if let options = schema["enum"]?.arrayValue, !options.isEmpty {
            return options[Int(generator.next() % UInt64(options.count))]
        }
        if let branches = schema["anyOf"]?.arrayValue ?? schema["oneOf"]?.arrayValue, let first = branches.first {
            return value(for: merged(siblingsOf: schema, with: first, dropping: ["anyOf", "oneOf"]), depth: depth + 1)
        }
        if let parts = schema["allOf"]?.arrayValue, !parts.isEmpty {
            var combined = merged(siblingsOf: schema, with: .object([:]), dropping: ["allOf"])
            for part in parts {
                let resolved = part["$ref"]?.stringValue.flatMap(resolve) ?? part
                combined = merge(combined, resolved)
            }
            return value(for: combined, depth: depth + 1)
        }
        switch chooseType(schema) {
        case "null": return .null
        case "boolean": return .bool(generator.next() & 1 == 1)
        case "integer": return integer(schema)
        case "number": return number(schema)
        case "array": return array(schema, depth: depth)
        case "object": return object(schema, depth: depth)
        default: return string(schema)
        }
    }

    /// The schema's type: the first non-null entry of `type`, else inferred from its keywords.
    private func chooseType(_ schema: JSONValue) -> String {
        switch schema["type"] {
        case .string(let name)?:
            return name
        case .array(let names)?:
            let strings = names.compactMap(\.stringValue)
            return strings.first { $0 != "null" } ?? strings.first ?? "string"
        default:
            if schema["properties"] != nil || schema["additionalProperties"] != nil || schema["required"] != nil { return "object" }
            if schema["items"] != nil || schema["prefixItems"] != nil || schema["minItems"] != nil { return "array" }
            if schema["minimum"] != nil || schema["maximum"] != nil || schema["multipleOf"] != nil { return "number" }
            return "string"
        }
    }

    /// Resolves a local JSON pointer (`#`, `#/$defs/Name`, with `~0`/`~1` escapes).
    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var node = root
        for rawToken in reference.dropFirst().split(separator: "/") {
            let token = rawToken.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch node {
            case .object:
                guard let next = node[token] else { return nil }
                node = next
            case .array(let elements):
                guard let index = Int(token), elements.indices.contains(index) else { return nil }
                node = elements[index]
            default:
                return nil
            }
        }
        return node
    }

    /// `branch` with the keywords of `schema` that it does not set itself (other than `dropping`).
    private func merged(siblingsOf schema: JSONValue, with branch: JSONValue, dropping: Set<String>) -> JSONValue {
        let siblings = (schema.objectValue ?? [:]).filter { !dropping.contains($0.key) && $0.key != "description" && $0.key != "title" }
        return merge(.object(JSONObject(siblings.map { ($0.key, $0.value) })), branch)
    }

    /// Merges two object schemas: `properties` and `required` are combined, other keys of `b` win.
    private func merge(_ a: JSONValue, _ b: JSONValue) -> JSONValue {
        guard var members = a.objectValue else { return b }
        guard let other = b.objectValue else { return a }
        for (key, value) in other {
            var newValue = value
            if key == "properties", let old = members[key]?.objectValue, let new = value.objectValue {
                var combined = old
                for (name, property) in new { combined[name] = property }
                newValue = .object(combined)
            } else if key == "required", let old = members[key]?.arrayValue, let new = value.arrayValue {
                newValue = .array(old + new.filter { !old.contains($0) })
            }
            members[key] = newValue
        }
        return .object(members)
    }

    // MARK: - Scalars

    private struct Bounds {
        var low: Double?
        var high: Double?
        var lowExclusive = false
        var highExclusive = false
    }

    private func bounds(_ schema: JSONValue) -> Bounds {
        var bounds = Bounds(low: schema["minimum"]?.doubleValue, high: schema["maximum"]?.doubleValue)
        switch schema["exclusiveMinimum"] {
        case .bool(true)?: bounds.lowExclusive = true
        case let value? where value.doubleValue != nil:
            let exclusive = value.doubleValue!
            if bounds.low.map({ exclusive >= $0 }) ?? true {
                bounds.low = exclusive
                bounds.lowExclusive = true
            }
        default: break
        }
        switch schema["exclusiveMaximum"] {
        case .bool(true)?: bounds.highExclusive = true
        case let value? where value.doubleValue != nil:
            let exclusive = value.doubleValue!
            if bounds.high.map({ exclusive <= $0 }) ?? true {
                bounds.high = exclusive
                bounds.highExclusive = true
            }
        default: break
        }
        return bounds
    }

    private mutating func integer(_ schema: JSONValue) -> JSONValue {
        let bounds = bounds(schema)
        var low = bounds.low.map { bounds.lowExclusive ? Int(($0 + 1).rounded(.down)) : Int($0.rounded(.up)) }
        var high = bounds.high.map { bounds.highExclusive ? Int(($0 - 1).rounded(.up)) : Int($0.rounded(.down)) }
        switch (low, high) {
        case (nil, nil): low = 0; high = 100
        case (let l?, nil): high = l + 100
        case (nil, let h?): low = h - 100
        default: break
        }
        guard var lo = low, var hi = high, lo <= hi else { return .int(Int64(low ?? high ?? 0)) }
        if let step = schema["multipleOf"]?.doubleValue, step > 0, step.rounded() == step {
            let m = Int(step)
            let first = Int((Double(lo) / Double(m)).rounded(.up)), last = Int((Double(hi) / Double(m)).rounded(.down))
            guard first <= last else { return .int(Int64(lo)) }
            lo = first; hi = last
            return .int(Int64(m * (lo + Int(generator.next() % UInt64(hi - lo + 1)))))
        }
        return .int(Int64(lo + Int(generator.next() % UInt64(hi - lo + 1))))
    }

    /// A number for a `number` schema. A zero that came out negative (a range around 0, rounded)
    /// is made +0.0: `JSONWriter` spells -0.0 as Python does, and a constrained decoder never
    /// writes `-0.0`, so answers keep reading `0.0`.
    private mutating func number(_ schema: JSONValue) -> JSONValue {
        let value = numberValue(schema)
        return .double(value == 0 ? 0 : value)
    }

    private mutating func numberValue(_ schema: JSONValue) -> Double {
        if schema["type"]?.stringValue == "number", let step = schema["multipleOf"]?.doubleValue, step > 0 {
            let b = bounds(schema)
            let lo = (b.low ?? 0) / step, hi = (b.high ?? ((b.low ?? 0) + 100 * step)) / step
            var first = lo.rounded(.up), last = hi.rounded(.down)
            if b.lowExclusive, first == lo { first += 1 }
            if b.highExclusive, last == hi { last -= 1 }
            guard first <= last else { return b.low ?? 0 }
            let k = first + Double(generator.next() % UInt64(last - first + 1))
            return k * step
        }
        let b = bounds(schema)
        var lo = b.low ?? ((b.high ?? 1) - 1), hi = b.high ?? (lo + (b.low == nil ? 1 : 100))
        if b.low == nil, b.high == nil { lo = 0; hi = 1 }
        guard lo <= hi else { return lo }
        let raw = lo + (hi - lo) * generator.nextUnit()
        var value = (raw * 100).rounded() / 100
        func inside(_ v: Double) -> Bool {
            (b.lowExclusive ? v > lo : v >= lo) && (b.highExclusive ? v < hi : v <= hi)
        }
        if !inside(value) { value = raw }
        if !inside(value) { value = (lo + hi) / 2 }
        return value
    }

    private mutating func string(_ schema: JSONValue) -> JSONValue {
        let minLength = max(0, schema["minLength"]?.intValue.map(Int.init) ?? 0)
        let maxLength = schema["maxLength"]?.intValue.map(Int.init)
        if let format = schema["format"]?.stringValue, let formatted = formatted(format) {
            if formatted.count >= minLength, maxLength.map({ formatted.count <= $0 }) ?? true { return .string(formatted) }
        }
        // Loose bounds: a phrase of 3–12 words, or most of the room maxLength leaves.
        var targetWords = 3 + Int(generator.next() % 10)
        if let maxLength { targetWords = min(targetWords, max(1, maxLength / 6)) }
        return .string(text.phrase(minLength: minLength, maxLength: maxLength, targetWords: targetWords, using: &generator))
    }

    private mutating func formatted(_ format: String) -> String? {
        let r = generator.next()
        switch format {
        case "date-time":
            return String(format: "2024-%02d-%02dT%02d:%02d:%02dZ", Int(r % 12) + 1, Int(r >> 8 % 28) + 1, Int(r >> 16 % 24), Int(r >> 24 % 60), Int(r >> 32 % 60))
        case "date":
            return String(format: "2024-%02d-%02d", Int(r % 12) + 1, Int(r >> 8 % 28) + 1)
        case "time":
            return String(format: "%02d:%02d:%02d", Int(r % 24), Int(r >> 8 % 60), Int(r >> 16 % 60))
        case "email":
            return "\(text.word(using: &generator))@example.com"
        case "uri", "url":
            return "https://example.com/\(text.word(using: &generator))"
        case "uuid":
            let hex = String(r, radix: 16).leftPadded(to: 16) + String(generator.next(), radix: 16).leftPadded(to: 16)
            let c = Array(hex)
            return "\(String(c[0..<8]))-\(String(c[8..<12]))-4\(String(c[13..<16]))-a\(String(c[17..<20]))-\(String(c[20..<32]))"
        case "ipv4":
            return "10.\(r % 256).\((r >> 8) % 256).\((r >> 16) % 256)"
        default:
            return nil
        }
    }

    // MARK: - Containers

    private mutating func array(_ schema: JSONValue, depth: Int) -> JSONValue {
        let prefix = schema["prefixItems"]?.arrayValue ?? []
        let itemSchema: JSONValue? = {
            if case .bool(false)? = schema["items"] { return nil }
            return schema["items"] ?? .object([:])
        }()
        let minItems = max(0, schema["minItems"]?.intValue.map(Int.init) ?? 0)
        var maxItems = schema["maxItems"]?.intValue.map(Int.init)
        if itemSchema == nil { maxItems = min(maxItems ?? prefix.count, prefix.count) }
        let high = max(maxItems ?? (max(minItems, 1) + 2), 0)
        // Without minItems, prefer a non-empty array.
        let low = min(schema["minItems"] == nil ? 1 : minItems, high)
        let count = low == high ? low : low + Int(generator.next() % UInt64(high - low + 1))
        let unique = schema["uniqueItems"]?.boolValue == true
        var elements: [JSONValue] = []
        for index in 0..<count {
            let elementSchema = index < prefix.count ? prefix[index] : (itemSchema ?? .object([:]))
            var element = value(for: elementSchema, depth: depth + 1)
            if unique {
                var attempts = 0
                while elements.contains(element), attempts < 16 {
                    element = value(for: elementSchema, depth: depth + 1)
                    attempts += 1
                }
            }
            elements.append(element)
        }
        return .array(elements)
    }

    private mutating func object(_ schema: JSONValue, depth: Int) -> JSONValue {
        var members: [(String, JSONValue)] = []
        let properties = schema["properties"]?.objectValue ?? [:]
        for (name, propertySchema) in properties {
            if case .bool(false) = propertySchema { continue }
            members.append((name, value(for: propertySchema, depth: depth + 1)))
        }
        // Required names that no property describes still have to appear.
        for case .string(let name) in schema["required"]?.arrayValue ?? [] where !members.contains(where: { $0.0 == name }) {
            let extra = schema["additionalProperties"].flatMap { $0.objectValue != nil ? $0 : nil } ?? .object([:])
            members.append((name, value(for: extra, depth: depth + 1)))
        }
        let additional = schema["additionalProperties"]
        let additionalAllowed: Bool = {
            if case .bool(false)? = additional { return false }
            return true
        }()
        var wanted = max(0, schema["minProperties"]?.intValue.map(Int.init) ?? 0)
        if properties.isEmpty, schema["required"] == nil, case .object? = additional, wanted == 0 { wanted = 1 }
        if additionalAllowed {
            var index = 1
            while members.count < wanted {
                let name = "\(text.word(using: &generator))_\(index)"
                index += 1
                if members.contains(where: { $0.0 == name }) { continue }
                let extra = additional.flatMap { $0.objectValue != nil ? $0 : nil } ?? ["type": "string"]
                members.append((name, value(for: extra, depth: depth + 1)))
            }
        }
        if let maxProperties = schema["maxProperties"]?.intValue.map(Int.init), members.count > maxProperties {
            let required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
            var kept: [(String, JSONValue)] = members.filter { required.contains($0.0) }
            for member in members where !required.contains(member.0) && kept.count < maxProperties { kept.append(member) }
            members = members.filter { m in kept.contains { $0.0 == m.0 } }
        }
        return .object(JSONObject(members))
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
