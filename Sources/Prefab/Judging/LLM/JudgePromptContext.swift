/// Builds the render context of a judge template: the slots documented in `rubrics/README.md`.
///
/// Absent optional slots (reference, world knowledge, history) are left out, never set to "",
/// because a Mustache section on an empty string still renders.
enum JudgePromptContext {
    /// One completion as the judge sees it: its 1-based index in the call and its label.
    struct Shown {
        var index: Int
        var label: String
        var text: String
    }

    static func make(input: SampleRecord, rubric: Rubric, shown: [Shown], rationaleMaxChars: Int, withReference: Bool) -> [String: Any] {
        var context: [String: Any] = [
            "instruction": input.instruction,
            "has_history": !input.history.isEmpty,
            "completions": shown.map { ["index": $0.index, "label": $0.label, "text": $0.text] as [String: Any] },
            "completion_count": shown.count,
            "rubric": rubricContext(rubric),
            "rationale_max_chars": rationaleMaxChars,
        ]
        if !input.history.isEmpty {
            context["history"] = input.history.map { ["role": $0.role, "content": $0.content] }
        }
        if withReference, let reference = input.reference, !reference.isEmpty { context["reference"] = reference }
        if let knowledge = input.worldKnowledge { context["world_knowledge"] = knowledge }
        return context
    }

    static func rubricContext(_ rubric: Rubric) -> [String: Any] {
        var scale: [String: Any] = ["min": rubric.scale.min, "max": rubric.scale.max, "allow_na": rubric.scale.allowNA]
        if let label = rubric.scale.naLabel { scale["na_label"] = label }
        if let when = rubric.scale.naWhen { scale["na_when"] = when }
        var context: [String: Any] = [
            "name": rubric.name,
            "kind": rubric.kind.rawValue,
            "title": rubric.title,
            "question": rubric.question,
            "guidance": rubric.guidance,
            "scale": scale,
            "levels": rubric.levels.map { ["score": $0.score, "label": $0.label, "description": $0.description] as [String: Any] },
            "output": ["rationale_max_chars": rubric.rationaleMaxChars],
        ]
        if let comparison = rubric.comparison { context["comparison"] = comparison }
        if let types = rubric.types {
            var typesContext: [String: Any] = [
                "question": types.question,
                "select": types.select.rawValue,
                "items": types.items.map { ["id": $0.id, "code": $0.code, "label": $0.label, "description": $0.description] },
            ]
            if let none = types.noneCode { typesContext["none_code"] = none }
            context["types"] = typesContext
        }
        return context
    }
}
