import Foundation
import Mustache

/// A judge prompt template (`rubrics/templates/*.mustache`), parsed once.
package struct JudgeTemplate: Sendable {
    package let name: String
    /// Where it was read from, for messages.
    package let path: String
    private let template: MustacheTemplate

    package init(name: String, path: String, text: String) throws(JudgeSetupError) {
        self.name = name
        self.path = path
        do {
            template = try MustacheTemplate(string: text)
        } catch {
            throw .invalidTemplate(path: path, reason: "\(error)")
        }
    }

    /// Reads and parses a template file.
    package static func load(name: String, path: String) throws(JudgeSetupError) -> JudgeTemplate {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .missingTemplate(name: name, path: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalidTemplate(path: path, reason: "not valid UTF-8")
        }
        return try JudgeTemplate(name: name, path: path, text: text)
    }

    /// The rendered prompt, with the blank lines that sections leave at the ends trimmed.
    package func render(_ context: [String: Any]) -> String {
        template.render(context).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
