import Foundation
import PrefabShards

/// The evaluation sets' n-grams, in a compact hash set, and Tülu 3's overlap rule over them.
///
/// Each evaluation n-gram is one 16-byte slot (its hash, the item it came from, its token
/// position): 23–46 MiB per million n-grams, whatever the texts' length. The prompts are then
/// streamed past it: a prompt's n-grams are looked up, the hits grouped by item, and the share of
/// that item's tokens covered by matched n-grams compared with the threshold. This is the rule
/// of Tülu 3 (Lambert et al., 2024, §"Prompt Decontamination"; open-instruct's
/// `decontamination/search.py`): a token of the test item matches when an n-gram containing it
/// also occurs in the training instance, and the item overlaps the instance when more than the
/// threshold of its tokens match the same instance. Relative to the evaluation item, so a long
/// prompt that quotes a whole test question is caught however much else it says.
///
/// An n-gram in several items is kept for the first; an item of fewer than `n` tokens is one
/// gram of all its tokens, which matches only a prompt that is exactly those tokens.
package struct ContaminationIndex {
    package struct Item: Sendable {
        package var file: Int
        package var position: String
        package var tokens: UInt32
    }

    package struct Match: Sendable, Equatable {
        package var file: String
        package var position: String
        /// Share of the item's tokens covered.
        package var overlap: Double
    }

    package let ngram: Int
    package let threshold: Double
    package private(set) var files: [HygieneReport.EvalFile] = []
    private var items: [Item] = []
    private var slots = HashSlots()

    package init(sources: [HygieneConfiguration.EvalSource], ngram: Int, threshold: Double) throws(HygieneError) {
        self.ngram = ngram
        self.threshold = threshold
        for source in sources { try add(source) }
    }

    package var gramCount: Int { slots.count }
    package var bytes: Int { slots.bytes + items.count * 40 }

    private mutating func add(_ source: HygieneConfiguration.EvalSource) throws(HygieneError) {
        let fileIndex = files.count
        let before = items.count
        let gramsBefore = slots.count
        let field = source.field
        try Self.readTexts(source) { (text: String, position: String) throws(HygieneError) in
            let tokens = HygieneText(text).tokens
            guard !tokens.isEmpty else { return }
            guard items.count < Int(UInt32.max) else { throw .tooMany("evaluation items") }
            let item = UInt32(items.count)
            items.append(Item(file: fileIndex, position: position, tokens: UInt32(tokens.count)))
            let size = min(ngram, tokens.count)
            for start in 0...(tokens.count - size) {
                slots.insertIfAbsent(HygieneText.gram(tokens, start: start, size: size), value: item, payload: UInt32(start))
            }
        }
        files.append(
            HygieneReport.EvalFile(
                path: source.path, field: field, sha256: Self.sha256(source.path), items: items.count - before,
                ngrams: slots.count - gramsBefore))
    }

    /// The item a prompt overlaps most, when that overlap passes the threshold.
    package func match(_ tokens: [UInt64]) -> Match? {
        guard !tokens.isEmpty, slots.count > 0 else { return nil }
        let size = min(ngram, tokens.count)
        var hits: [UInt32: [UInt32]] = [:]
        for start in 0...(tokens.count - size) {
            if let (item, position) = slots.find(HygieneText.gram(tokens, start: start, size: size)) {
                hits[item, default: []].append(position)
            }
        }
        var best: (item: UInt32, overlap: Double)?
        for (item, positions) in hits {
            let total = Int(items[Int(item)].tokens)
            let span = min(ngram, total)
            // Tokens covered: the union of [p, p + span) over the matched grams' positions.
            var covered = 0
            var reach = 0
            for position in positions.sorted() {
                let start = max(Int(position), reach)
                let end = Int(position) + span
                if end > start { covered += end - start }
                reach = max(reach, end)
            }
            let overlap = Double(covered) / Double(total)
            if overlap > threshold, best.map({ overlap > $0.overlap || (overlap == $0.overlap && item < $0.item) }) ?? true {
                best = (item, overlap)
            }
        }
        guard let best else { return nil }
        let item = items[Int(best.item)]
        return Match(file: files[item.file].path, position: item.position, overlap: best.overlap)
    }

    /// Calls `body` with each record's text and position. Without a field, records are read as
    /// prompts (every message's content, joined); with one, that field must be a string (or a
    /// list of `{content}` messages).
    static func readTexts(
        _ source: HygieneConfiguration.EvalSource, _ body: (String, String) throws(HygieneError) -> Void
    ) throws(HygieneError) {
        guard let field = source.field else {
            let reader: PromptReader
            do {
                reader = try PromptReader(path: source.path)
            } catch {
                throw .evalUnreadable(file: source.path, Self.shardError(error))
            }
            var index = 0
            while true {
                let prompt: PromptRecord?
                do {
                    prompt = try reader.next()
                } catch {
                    if case .invalid(let invalid) = error {
                        throw .evalRecord(
                            file: invalid.file, position: invalid.line.map(String.init) ?? "\(invalid.position)",
                            field: invalid.field ?? "record", problem: "\(invalid.problem)")
                    }
                    throw .evalUnreadable(file: source.path, Self.shardError(error))
                }
                guard let prompt else { return }
                index += 1
                try body(PromptHygiene.text(of: prompt), "\(index)")
            }
        }
        let cursor: RecordCursor
        do {
            cursor = try Shards.open(source.path).cursor()
        } catch {
            throw .evalUnreadable(file: source.path, error)
        }
        while true {
            let parsed: Result<JSONValue, JSONParseError>?
            do {
                parsed = try cursor.nextJSON { bytes throws(ShardError) in
                    Result { () throws(JSONParseError) in try JSONValue(parsing: bytes) }
                }
            } catch {
                throw .evalUnreadable(file: source.path, error)
            }
            guard let parsed else { return }
            let position: String
            switch cursor.lastPosition {
            case .line(let line)?: position = "\(line)"
            case let other?: position = "\(other)"
            case nil: position = "?"
            }
            let file = cursor.lastFile ?? source.path
            let value: JSONValue
            switch parsed {
            case .success(let parsedValue): value = parsedValue
            case .failure(let error): throw .evalRecord(file: file, position: position, field: "record", problem: "not JSON: \(error.reason)")
            }
            switch value[field] {
            case .string(let text)?:
                try body(text, position)
            case .array(let messages)?:
                let contents = messages.compactMap { $0["content"]?.stringValue }
                guard contents.count == messages.count else {
                    throw .evalRecord(file: file, position: position, field: field, problem: "a list, but not of messages with a string content")
                }
                try body(contents.joined(separator: "\n"), position)
            case nil, .null?:
                throw .evalRecord(file: file, position: position, field: field, problem: "missing")
            case let other?:
                throw .evalRecord(file: file, position: position, field: field, problem: "expected a string, found \(other.kindName)")
            }
        }
    }

    private static func shardError(_ error: PromptInputError) -> ShardError {
        if case .unreadable(let shard) = error { return shard }
        return .io(path: "", operation: "read", errno: 0)
    }

    /// The file's SHA-256: part of a run's identity, so a changed evaluation set is noticed.
    /// A directory (an MDS dataset) is hashed over its files, by name.
    static func sha256(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "" }
        guard isDirectory.boolValue else {
            return Digest.sha256Hex((try? Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)) ?? Data())
        }
        let names = ((try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []).sorted()
        var combined = ""
        for name in names {
            let full = (path as NSString).appendingPathComponent(name)
            var sub: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue else { continue }
            combined += name + " " + sha256(full) + "\n"
        }
        return Digest.sha256Hex(Data(combined.utf8))
    }
}
