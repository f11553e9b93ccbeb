import Foundation

/// Reads the documents to measure out of Prefab's records, through the shard layer: a JSON Lines
/// file (plain or zstd), a JSONL.zst or MDS dataset directory, a lone MDS shard, or a directory
/// of such files without an index (each read in name order).
///
/// `DiversityField` says which text each record gives. A record without that text is an error
/// naming the file, the line (or MDS sample) and the field, never skipped, so a measurement
/// always covers the whole input.
package enum DiversityCorpusReader {
    private typealias Value = JSONValue

    package static func documents(at path: String, field: DiversityField) throws(DiversityError) -> [String] {
        var documents: [String] = []
        for dataset in try datasets(at: path) {
            do {
                let cursor = try dataset.cursor()
                while let record = try cursor.next() {
                    let file = cursor.lastFile ?? dataset.path
                    let position = cursor.lastPosition?.description ?? "record \(cursor.recordsRead)"
                    documents.append(contentsOf: try texts(in: record, field: field, path: file, position: position))
                }
            } catch let error as ShardError {
                throw .input(error.description)
            } catch let error as DiversityError {
                throw error
            } catch {
                throw .input("\(dataset.path): \(error)")
            }
        }
        return documents
    }

    /// The dataset at `path`; for a directory with shard files but no index or manifest (JSON
    /// Lines files collected by hand, say), each file as its own dataset, in name order.
    private static func datasets(at path: String) throws(DiversityError) -> [ShardDataset] {
        do {
            return [try ShardDataset.open(path)]
        } catch .invalidIndex(let directory, _) where directory == path || directory == (path as NSString).standardizingPath {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            let files = names.filter { $0.hasSuffix(".jsonl") || $0.hasSuffix(".jsonl.zst") || $0.hasSuffix(".mds") || $0.hasSuffix(".mds.zstd") }
                .sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            guard !files.isEmpty else { throw .unsupportedFormat(path: path) }
            var datasets: [ShardDataset] = []
            for file in files {
                do {
                    datasets.append(try ShardDataset.open(file))
                } catch {
                    throw .input(error.description)
                }
            }
            return datasets
        } catch {
            throw .input(error.description)
        }
    }

    /// The documents one record contributes.
    static func texts(in record: JSONObject, field: DiversityField, path: String, position: String) throws(DiversityError) -> [String] {
        func missing(_ name: String, _ expected: String) -> DiversityError {
            .missingField(path: path, position: position, field: name, expected: expected)
        }
        switch field {
        case .prompt:
            if let prompt = record["prompt"]?.stringValue { return [prompt] }
            if let instruction = record["instruction"]?.stringValue { return [instruction] }
            if case .array(let messages)? = record["messages"], let text = lastMessage(in: messages, role: "user") {
                return [text]
            }
            throw missing("prompt", "a string 'prompt' or 'instruction', or a 'messages' list with a user message")
        case .response:
            guard case .array(let completions)? = record["completions"] else {
                throw missing("completions", "a list of completions (a samples or rated record)")
            }
            var responses: [String] = []
            for (index, completion) in completions.enumerated() {
                guard case .object(let object) = completion, let response = object["response"]?.stringValue else {
                    throw missing("completions[\(index)].response", "a string")
                }
                responses.append(response)
            }
            return responses
        case .chosen:
            if let chosen = record["chosen"]?.stringValue { return [chosen] }
            if case .array(let messages)? = record["chosen"], let text = lastMessage(in: messages, role: "assistant") {
                return [text]
            }
            throw missing("chosen", "a string or a message list ending in an assistant message (a pair record)")
        }
    }

    /// Content of the last message with `role`; content may be a string or a list of parts
    /// whose `text` fields are joined by newlines.
    private static func lastMessage(in messages: [Value], role: String) -> String? {
        for case .object(let message) in messages.reversed() where message["role"]?.stringValue == role {
            if let content = message["content"]?.stringValue { return content }
            if case .array(let parts)? = message["content"] {
                let texts = parts.compactMap { part -> String? in
                    guard case .object(let object) = part else { return nil }
                    return object["text"]?.stringValue
                }
                if !texts.isEmpty { return texts.joined(separator: "\n") }
            }
            return nil
        }
        return nil
    }
}
