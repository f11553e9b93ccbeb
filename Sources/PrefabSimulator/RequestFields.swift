import PrefabShards

/// Reads and checks request fields, answering 400 with the field's name the way the real APIs do.
enum RequestFields {
    static func body(_ bytes: [UInt8]) throws(APIError) -> JSONValue {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            throw APIError.invalid("We could not parse the JSON body of your request: \(error.description)")
        }
        guard case .object = value else { throw APIError.invalid("The request body must be a JSON object.") }
        return value
    }

    static func string(_ body: JSONValue, _ key: String, required: Bool = false) throws(APIError) -> String? {
        switch body[key] {
        case nil, .null?:
            if required { throw APIError.invalid("Missing required parameter: '\(key)'.", param: key) }
            return nil
        case .string(let value)?:
            return value
        default:
            throw APIError.invalid("Invalid type for '\(key)': expected a string.", param: key)
        }
    }

    static func double(_ body: JSONValue, _ key: String, in range: ClosedRange<Double>) throws(APIError) -> Double? {
        try number(body, key, in: range, expected: "a number", \.doubleValue)
    }

    static func int(_ body: JSONValue, _ key: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        try number(body, key, in: range, expected: "an integer") { $0.intValue.map(Int.init) }
    }

    /// A number field within `range`: absent or null is nil, another type or a number outside
    /// the range is a 400 naming the field. `double` and `int` differ only in how they read it.
    private static func number<Number: Comparable>(
        _ body: JSONValue, _ key: String, in range: ClosedRange<Number>, expected: String, _ read: (JSONValue) -> Number?
    ) throws(APIError) -> Number? {
        switch body[key] {
        case nil, .null?:
            return nil
        case let value?:
            guard let number = read(value) else {
                throw APIError.invalid("Invalid type for '\(key)': expected \(expected).", param: key)
            }
            guard range.contains(number) else {
                throw APIError.invalid("Invalid '\(key)': \(number) is not in \(range.lowerBound)...\(range.upperBound).", param: key)
            }
            return number
        }
    }

    static func bool(_ body: JSONValue, _ key: String) throws(APIError) -> Bool? {
        switch body[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw APIError.invalid("Invalid type for '\(key)': expected a boolean.", param: key)
        }
    }

    /// `stop` / `stop_sequences`: one string or a list of strings.
    static func stopSequences(_ body: JSONValue, _ key: String, limit: Int) throws(APIError) -> [String] {
        switch body[key] {
        case nil, .null?:
            return []
        case .string(let value)?:
            return [value]
        case .array(let values)?:
            let strings = values.compactMap(\.stringValue)
            guard strings.count == values.count else {
                throw APIError.invalid("Invalid '\(key)': expected a string or a list of strings.", param: key)
            }
            guard strings.count <= limit else {
                throw APIError.invalid("Invalid '\(key)': at most \(limit) sequences.", param: key)
            }
            return strings
        default:
            throw APIError.invalid("Invalid '\(key)': expected a string or a list of strings.", param: key)
        }
    }

    /// The text of a message's `content`: a string, or the `text` of its text parts joined by newlines.
    static func text(ofContent content: JSONValue?) -> String? {
        switch content {
        case .string(let text)?:
            return text
        case .array(let parts)?:
            var pieces: [String] = []
            for part in parts {
                if let text = part.stringValue {
                    pieces.append(text)
                } else if let text = part["text"]?.stringValue {
                    pieces.append(text)
                } else if part["type"] == nil {
                    return nil
                }
            }
            return pieces.joined(separator: "\n")
        case .null?:
            return ""
        default:
            return nil
        }
    }

    /// `messages`: a non-empty list of `{role, content}`.
    static func messages(_ body: JSONValue, roles: Set<String>) throws(APIError) -> [(role: String, content: String)] {
        guard let list = body["messages"]?.arrayValue else {
            throw APIError.invalid("Missing required parameter: 'messages'.", param: "messages")
        }
        guard !list.isEmpty else {
            throw APIError.invalid("Invalid 'messages': empty array. Expected at least one message.", param: "messages")
        }
        var messages: [(role: String, content: String)] = []
        messages.reserveCapacity(list.count)
        for (index, message) in list.enumerated() {
            guard let role = message["role"]?.stringValue, roles.contains(role) else {
                throw APIError.invalid(
                    "Invalid 'messages[\(index)].role': expected one of \(roles.sorted().joined(separator: ", ")).",
                    param: "messages[\(index)].role"
                )
            }
            guard let content = text(ofContent: message["content"]) else {
                throw APIError.invalid(
                    "Invalid 'messages[\(index)].content': expected a string or a list of content parts.",
                    param: "messages[\(index)].content"
                )
            }
            messages.append((role, content))
        }
        return messages
    }
}
