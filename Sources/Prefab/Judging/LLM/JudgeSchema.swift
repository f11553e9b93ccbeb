/// The JSON schemas LLM judges send as `response_format` (`rubrics/README.md`, "Output").
///
/// Ratings come first and text last in every object: llama.cpp emits properties in schema
/// order, so a small model spends its tokens on the rating before it rambles. Every free-text
/// field carries `maxLength`, because a small model under a schema tends to fill a string up to
/// its bound; an answer cut off anyway (`finish_reason: length`) is a parse failure.
package enum JudgeSchema {
    /// The rating: an integer in the scale, or the N/A literal where the rubric allows it.
    static func rating(_ rubric: Rubric) -> JSONValue {
        let integer: JSONValue = .object([
            "type": .string("integer"),
            "minimum": .int(Int64(rubric.scale.min)),
            "maximum": .int(Int64(rubric.scale.max)),
        ])
        guard rubric.scale.allowNA else { return integer }
        return .object(["anyOf": .array([
            integer, .object(["type": .string("string"), "enum": .array([.string(rubric.scale.naLabel ?? "N/A")])]),
        ])])
    }

    static func types(_ types: RubricTypes) -> JSONValue {
        var schema: JSONObject = [
            "type": .string("array"),
            "items": .object(["type": .string("string"), "enum": .array(types.items.map { .string($0.id) })]),
            "uniqueItems": .bool(true),
            "maxItems": .int(Int64(types.items.count)),
        ]
        if types.select == .one {
            schema["minItems"] = .int(1)
            schema["maxItems"] = .int(1)
        }
        return .object(schema)
    }

    static func text(maxLength: Int) -> JSONValue {
        .object(["type": .string("string"), "maxLength": .int(Int64(maxLength))])
    }

    /// An object with properties in the given order (kept in `required`, which fixes the order
    /// grammar-based servers emit), no others allowed.
    static func object(_ properties: [(String, JSONValue)]) -> JSONValue {
        .object([
            "type": .string("object"),
            "properties": .object(JSONObject(properties)),
            "required": .array(properties.map { .string($0.0) }),
            "additionalProperties": .bool(false),
        ])
    }

    /// `{"rating", "types"?, "rationale"}`: one completion, one aspect.
    package static func single(_ rubric: Rubric, rationaleMaxChars: Int) -> JSONValue {
        var properties: [(String, JSONValue)] = [("rating", rating(rubric))]
        if let types = rubric.types { properties.append(("types", Self.types(types))) }
        properties.append(("rationale", text(maxLength: rationaleMaxChars)))
        return object(properties)
    }

    /// `{"A": ONE, "B": ONE, …}`: every completion, one aspect, keyed by the label it was shown
    /// under. Every label is required, so a grammar-constrained model rates each exactly once.
    package static func multi(_ rubric: Rubric, count: Int, rationaleMaxChars: Int) -> JSONValue {
        let one = single(rubric, rationaleMaxChars: rationaleMaxChars)
        return object((0..<count).map { (CompletionLabel.label($0), one) })
    }

    /// `{"verdict": "A"|"B"|"TIE", "rationale"}`.
    package static func pairwise(rationaleMaxChars: Int) -> JSONValue {
        object([
            ("verdict", .object(["type": .string("string"), "enum": .array([.string("A"), .string("B"), .string("TIE")])])),
            ("rationale", text(maxLength: rationaleMaxChars)),
        ])
    }

    /// `{"rating", "critique"}`: a critique rubric.
    package static func critique(_ rubric: Rubric, rationaleMaxChars: Int) -> JSONValue {
        object([("rating", rating(rubric)), ("critique", text(maxLength: rationaleMaxChars))])
    }
}
