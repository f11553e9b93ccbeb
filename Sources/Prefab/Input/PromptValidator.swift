import PrefabShards

/// Turns one input record into a `PromptRecord`, or says what is wrong and in which field.
///
/// Accepted: `{"id"?, "prompt": str}` or `{"id"?, "messages": [{"role", "content"}], ...}` with
/// optional `source` (str), `reference` (str; a number is taken as its JSON text), `metadata`
/// (object). `id` may be a string or an integer (written in decimal); null counts as absent.
/// Other keys are ignored, so datasets with extra columns read as they are.
package enum PromptValidator {
    package static let roles: Set<String> = ["system", "user", "assistant"]

    /// A problem and the field it is in.
    package struct Failure: Error, Sendable, Equatable {
        package var field: String?
        package var problem: PromptProblem
    }

    /// Validates one record's JSON text (one JSONL line or one MDS sample).
    package static func validate(json bytes: UnsafeRawBufferPointer) throws(Failure) -> PromptRecord {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw Failure(field: nil, problem: .invalidUTF8)
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            throw Failure(field: nil, problem: .badJSON(reason: error.reason, column: error.offset + 1))
        }
        guard case .object(let object) = value else {
            throw Failure(field: nil, problem: .notAnObject(found: describe(value)))
        }
        return try validate(object)
    }

    /// Validates a parsed record.
    package static func validate(_ object: JSONObject) throws(Failure) -> PromptRecord {
        func fail(_ field: String?, _ problem: PromptProblem) -> Failure { Failure(field: field, problem: problem) }
        func optionalString(_ key: String) throws(Failure) -> String? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            case let other?: throw fail(key, .wrongType(expected: "a string", found: describe(other)))
            }
        }

        let id: String?
        switch object["id"] {
        case nil, .null?: id = nil
        case .string(let text)?:
            if text.allSatisfy(\.isWhitespace) { throw fail("id", .emptyID) }
            id = text
        case .int(let number)?: id = String(number)
        case let other?: throw fail("id", .wrongType(expected: "a string", found: describe(other)))
        }

        let messages: [ChatMessage]
        switch (object["prompt"], object["messages"]) {
        case (nil, nil), (.null?, nil), (nil, .null?), (.null?, .null?):
            throw fail("prompt", .missingPrompt)
        case (let prompt?, nil), (let prompt?, .null?):
            guard case .string(let text) = prompt else {
                throw fail("prompt", .wrongType(expected: "a string", found: describe(prompt)))
            }
            if text.allSatisfy(\.isWhitespace) { throw fail("prompt", .emptyPrompt) }
            messages = [.user(text)]
        case (nil, let list?), (.null?, let list?):
            messages = try conversation(list)
        case (.some, .some):
            throw fail("messages", .promptAndMessages)
        }

        let source = try optionalString("source") ?? ""
        let reference: String?
        switch object["reference"] {
        case nil, .null?: reference = nil
        case .string(let text)?: reference = text
        case let number? where number.doubleValue != nil: reference = number.serialized()
        case let other?: throw fail("reference", .wrongType(expected: "a string", found: describe(other)))
        }
        let metadata: JSONValue?
        switch object["metadata"] {
        case nil, .null?: metadata = nil
        case let value? where value.objectValue != nil: metadata = value
        case let other?: throw fail("metadata", .wrongType(expected: "an object", found: describe(other)))
        }
        return PromptRecord(promptID: id, messages: messages, source: source, reference: reference, metadata: metadata)
    }

    private static func conversation(_ value: JSONValue) throws(Failure) -> [ChatMessage] {
        guard case .array(let items) = value else {
            throw Failure(field: "messages", problem: .wrongType(expected: "a list of {role, content}", found: describe(value)))
        }
        var messages: [ChatMessage] = []
        for (index, item) in items.enumerated() {
            let at = "messages[\(index)]"
            guard case .object(let turn) = item else {
                throw Failure(field: at, problem: .wrongType(expected: "an object {role, content}", found: describe(item)))
            }
            guard let roleValue = turn["role"] else {
                throw Failure(field: at + ".role", problem: .wrongType(expected: "a string", found: "nothing"))
            }
            guard case .string(let role) = roleValue else {
                throw Failure(field: at + ".role", problem: .wrongType(expected: "a string", found: describe(roleValue)))
            }
            guard roles.contains(role) else { throw Failure(field: at + ".role", problem: .unknownRole(role)) }
            guard let contentValue = turn["content"] else {
                throw Failure(field: at + ".content", problem: .wrongType(expected: "a string", found: "nothing"))
            }
            guard case .string(let content) = contentValue else {
                throw Failure(field: at + ".content", problem: .wrongType(expected: "a string", found: describe(contentValue)))
            }
            if role == "user", content.allSatisfy(\.isWhitespace) {
                throw Failure(field: at + ".content", problem: .emptyPrompt)
            }
            messages.append(ChatMessage(role: role, content: content))
        }
        guard messages.last?.role == "user" else {
            throw Failure(field: "messages", problem: messages.isEmpty ? .emptyPrompt : .noFinalUserTurn)
        }
        return messages
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): "\(flag)"
        case .int, .double: "the number \(value.serialized())"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}
