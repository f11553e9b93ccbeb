import Foundation

/// Reads the documents to measure out of Prefab's records.
///
/// Input: a `.jsonl` file, or a directory whose `.jsonl` files are read in name order. Each
/// non-blank line must be a JSON object; `DiversityField` says which text is taken from it.
/// A record without that text is an error naming the file, the line and the field, never
/// skipped, so a measurement always covers the whole input.
public enum DiversityCorpusReader {
    public static func documents(at path: String, field: DiversityField) throws(DiversityError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file or directory")
        }
        let files: [String]
        if isDirectory.boolValue {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: path)
            } catch {
                throw .unreadable(path: path, reason: error.localizedDescription)
            }
            files = names.filter { $0.hasSuffix(".jsonl") }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            guard !files.isEmpty else { throw .unsupportedFormat(path: path) }
        } else {
            guard path.hasSuffix(".jsonl") else { throw .unsupportedFormat(path: path) }
            files = [path]
        }
        var documents: [String] = []
        for file in files {
            try read(file, field: field, into: &documents)
        }
        return documents
    }

    private static func read(_ path: String, field: DiversityField, into documents: inout [String]) throws(DiversityError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        var lineNumber = 0
        var start = data.startIndex
        while start < data.endIndex {
            let end = data[start...].firstIndex(of: 0x0A) ?? data.endIndex
            lineNumber += 1
            let line = data[start..<end]
            start = end < data.endIndex ? end + 1 : end
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: line)
            } catch {
                throw .invalidRecord(path: path, line: lineNumber, reason: "invalid JSON")
            }
            guard let record = object as? [String: Any] else {
                throw .invalidRecord(path: path, line: lineNumber, reason: "a JSON value that is not an object")
            }
            documents.append(contentsOf: try texts(in: record, field: field, path: path, line: lineNumber))
        }
    }

    /// The documents one record contributes.
    static func texts(in record: [String: Any], field: DiversityField, path: String, line: Int) throws(DiversityError) -> [String] {
        switch field {
        case .prompt:
            if let prompt = record["prompt"] as? String { return [prompt] }
            if let instruction = record["instruction"] as? String { return [instruction] }
            if let messages = record["messages"] as? [Any], let text = lastMessage(in: messages, role: "user") {
                return [text]
            }
            throw .missingField(path: path, line: line, field: "prompt",
                                expected: "a string 'prompt' or 'instruction', or a 'messages' list with a user message")
        case .response:
            guard let completions = record["completions"] as? [Any] else {
                throw .missingField(path: path, line: line, field: "completions",
                                    expected: "a list of completions (a samples or rated record)")
            }
            var responses: [String] = []
            for (index, completion) in completions.enumerated() {
                guard let response = (completion as? [String: Any])?["response"] as? String else {
                    throw .missingField(path: path, line: line, field: "completions[\(index)].response", expected: "a string")
                }
                responses.append(response)
            }
            return responses
        case .chosen:
            if let chosen = record["chosen"] as? String { return [chosen] }
            if let messages = record["chosen"] as? [Any], let text = lastMessage(in: messages, role: "assistant") {
                return [text]
            }
            throw .missingField(path: path, line: line, field: "chosen",
                                expected: "a string or a message list ending in an assistant message (a pair record)")
        }
    }

    /// Content of the last message with `role`; content may be a string or a list of parts
    /// whose `text` fields are joined by newlines.
    private static func lastMessage(in messages: [Any], role: String) -> String? {
        for case let message as [String: Any] in messages.reversed() where message["role"] as? String == role {
            if let content = message["content"] as? String { return content }
            if let parts = message["content"] as? [Any] {
                let texts = parts.compactMap { ($0 as? [String: Any])?["text"] as? String }
                if !texts.isEmpty { return texts.joined(separator: "\n") }
            }
            return nil
        }
        return nil
    }
}
