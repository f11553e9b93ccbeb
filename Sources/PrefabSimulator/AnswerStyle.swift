extension SimulatorConfiguration {
    /// How plain-text chat answers (requests without a JSON schema) are shaped.
    ///
    /// Judges that ask for free text and parse it with their own rules (distilabel's UltraFeedback
    /// task, for one) get nothing they can parse from prose. A style makes the simulator answer
    /// the prompts such a judge sends in the shape its parser reads, so a pipeline built on it
    /// runs end to end against the simulator. Requests that do not look like that judge's prompt
    /// still get prose, and requests with a schema still get JSON valid for the schema.
    public enum AnswerStyle: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
        /// Prose from the simulator's vocabulary mixed with the prompt's words.
        case plain
        /// For a prompt in the UltraFeedback annotation layout (`<text 1>` … `<text N>` and
        /// `#### Output for Text 1`), one section per text, separated by blank lines:
        /// `#### Output for Text K`, then `Rating: R` (R seeded, 1–5) and `Rationale: …`, with
        /// `Type: …` and a first `Rationale: …` ahead of them when the prompt's format asks for
        /// a `Type:` line (the helpfulness and truthfulness aspects). Other prompts get prose.
        case ultraFeedbackText = "ultrafeedback-text"

        /// Parses the command-line and header form: `plain` or `ultrafeedback-text`.
        public init(parsing text: String) throws(SimulatorConfigurationError) {
            guard let style = Self(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw .invalidValue(
                    "answer style", "'\(text)'",
                    reason: "expected one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            self = style
        }

        public var description: String { rawValue }
    }
}
