import Foundation
import PrefabShards

/// Decides, prompt by prompt in input order, which prompts to keep: contaminated ones (an
/// evaluation item overlaps them by Tülu 3's rule), exact duplicates (same normalised text as a
/// kept prompt) and near duplicates (a kept prompt shares an LSH band) are removed, checked in
/// that order. A prompt's fate depends only on those before it, so one streaming pass decides
/// everything, the first of each group is the one kept, and the same input always gives the
/// same result.
///
/// Memory: the evaluation index (see `ContaminationIndex`), and per kept prompt one exact-text
/// slot, one slot per band and its id (to name it when a later prompt duplicates it), never its
/// text.
package final class PromptHygiene {
    package let configuration: HygieneConfiguration
    package private(set) var report: HygieneReport

    private let contamination: ContaminationIndex?
    private var exact = HashSlots()
    private var lsh: MinHashLSH?
    private let nearGram: Int
    /// Ids of the prompts seen, back to back, so a removal can name the prompt it duplicates.
    private var idBytes: [UInt8] = []
    private var idEnds: [Int] = []
    private var ordinal = 0
    private let started = ContinuousClock.now

    /// `configuration`'s evaluation paths must be usable as they are (absolute, or relative to
    /// the working directory); the evaluation index is built here.
    package init(_ configuration: HygieneConfiguration) throws(HygieneError) {
        self.configuration = configuration
        var settings = HygieneReport.Settings()
        if let dedup = configuration.dedup {
            if let problem = dedup.problem { throw .settings(problem.message) }
            let banding = dedup.banding
            settings.dedup = HygieneReport.DedupSettings(
                exact: dedup.exact, near: dedup.near, ngram: dedup.ngram, permutations: dedup.permutations,
                bands: banding.bands, rows: banding.rows, threshold: dedup.threshold, seed: dedup.seed,
                candidateProbabilityAtThreshold: MinHashLSH.candidateProbability(dedup.threshold, bands: banding.bands, rows: banding.rows))
            lsh = dedup.near ? MinHashLSH(bands: banding.bands, rows: banding.rows, seed: dedup.seed) : nil
        }
        nearGram = configuration.dedup?.ngram ?? 3
        if configuration.decontaminate.isEmpty {
            contamination = nil
        } else {
            settings.contamination = configuration.contamination
            contamination = try ContaminationIndex(
                sources: configuration.decontaminate, ngram: configuration.contamination.ngram,
                threshold: configuration.contamination.threshold)
        }
        report = HygieneReport(settings: settings)
        report.evalFiles = contamination?.files ?? []
        report.evalIndexBytes = contamination?.bytes ?? 0
    }

    /// The text hygiene looks at: every turn's content, one per line.
    package static func text(of prompt: PromptRecord) -> String {
        prompt.messages.count == 1 ? prompt.messages[0].content : prompt.messages.map(\.content).joined(separator: "\n")
    }

    /// Whether to keep the next prompt of the input; a removal is recorded in `report`.
    package func keep(_ prompt: PromptRecord) throws(HygieneError) -> Bool {
        guard ordinal < Int(UInt32.max) else { throw .tooMany("prompts") }
        let current = UInt32(ordinal)
        ordinal += 1
        report.prompts += 1
        if configuration.dedup != nil {
            idBytes.append(contentsOf: prompt.promptID.utf8)
            idEnds.append(idBytes.count)
        }
        let text = Self.text(of: prompt)
        let hygieneText = HygieneText(text)
        func remove(_ reason: HygieneReport.Reason, duplicateOf: UInt32? = nil, match: ContaminationIndex.Match? = nil) -> Bool {
            report.removed[reason.rawValue, default: 0] += 1
            report.removals.append(
                HygieneReport.Removal(
                    ordinal: Int(current) + 1, promptID: prompt.promptID, reason: reason,
                    duplicateOf: duplicateOf.map(id), duplicateOfOrdinal: duplicateOf.map { Int($0) + 1 },
                    evalFile: match?.file, evalItem: match?.position, overlap: match.map { ($0.overlap * 1000).rounded() / 1000 },
                    text: String(text.prefix(200))))
            return false
        }
        if let contamination, let match = contamination.match(hygieneText.tokens) {
            return remove(.contaminated, match: match)
        }
        if let dedup = configuration.dedup {
            if dedup.exact, let earlier = exact.find(hygieneText.exactKey)?.value {
                return remove(.exactDuplicate, duplicateOf: earlier)
            }
            if lsh != nil {
                let grams = HygieneText.grams(hygieneText.tokens, n: nearGram)
                if !grams.isEmpty {
                    let keys = lsh!.bandKeys(grams)
                    if let earlier = lsh!.earliestCandidate(keys) {
                        return remove(.nearDuplicate, duplicateOf: earlier)
                    }
                    lsh!.insert(keys, ordinal: current)
                }
            }
            if dedup.exact { exact.insertIfAbsent(hygieneText.exactKey, value: current) }
        }
        report.kept += 1
        return true
    }

    /// The report as it stands, with the index sizes and time filled in.
    package func finish() -> HygieneReport {
        report.dedupIndexBytes = exact.bytes + (lsh?.bytes ?? 0) + idBytes.count + idEnds.count * 8
        report.seconds = ((ContinuousClock.now - started) / .milliseconds(1)).rounded() / 1000
        return report
    }

    private func id(_ ordinal: UInt32) -> String {
        let index = Int(ordinal)
        let start = index == 0 ? 0 : idEnds[index - 1]
        return String(decoding: idBytes[start..<idEnds[index]], as: UTF8.self)
    }

    /// Runs hygiene over every prompt of `input`, returning the report and, when `keep` is given,
    /// calling it with each kept prompt in input order.
    package static func scan(
        _ input: PromptInputConfiguration, configuration: HygieneConfiguration,
        keep body: ((PromptRecord) throws(HygieneError) -> Void)? = nil
    ) throws(HygieneError) -> (report: HygieneReport, statistics: PromptInputStatistics) {
        let hygiene = try PromptHygiene(configuration)
        let reader: PromptReader
        do {
            reader = try PromptReader(input)
        } catch {
            throw .input(error)
        }
        while let prompt = try reader.next(or: HygieneError.input) {
            if try hygiene.keep(prompt) { try body?(prompt) }
        }
        return (hygiene.finish(), reader.statistics)
    }

    /// `prefab prompts`: writes the kept prompts to `directory` as JSONL.zst (`prompts-NNNNN`),
    /// with `hygiene-report.json`, all at once: they are written to a hidden sibling directory
    /// that replaces `directory` only when complete, so a failure leaves nothing half-written.
    /// Without a directory (a dry run) nothing is written.
    package static func write(
        _ input: PromptInputConfiguration, configuration: HygieneConfiguration, to directory: String?
    ) throws(HygieneError) -> HygieneReport {
        guard let directory else { return try scan(input, configuration: configuration).report }
        let manager = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        if let contents = try? manager.contentsOfDirectory(atPath: target.path), !contents.isEmpty {
            throw .outputExists(directory)
        }
        let staging = target.deletingLastPathComponent().appendingPathComponent(
            ".\(target.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)").path
        try? manager.removeItem(atPath: staging)
        let writer: any ShardWriter
        do {
            try manager.createDirectory(atPath: staging, withIntermediateDirectories: true)
            writer = try Shards.makeWriter(directory: staging, options: ShardWriterOptions(format: .jsonlZst, basename: "prompts"))
        } catch let error as ShardError {
            throw .output(error)
        } catch {
            throw .output(.io(path: staging, operation: "create directory", errno: EACCES))
        }
        do throws(HygieneError) {
            let (report, _) = try scan(input, configuration: configuration) { prompt throws(HygieneError) in
                do throws(ShardError) {
                    try writer.write(Self.record(prompt))
                } catch {
                    throw .output(error)
                }
            }
            do {
                try writer.finish()
                try AtomicFileWriter.write(try report.encoded(), to: staging + "/" + HygieneReport.fileName)
                try AtomicFileWriter.replaceDirectory(target.path, with: staging)
            } catch let error as ShardError {
                throw HygieneError.output(error)
            } catch {
                throw HygieneError.output(.io(path: staging, operation: "write the report", errno: EIO))
            }
            return report
        } catch {
            writer.abandon()
            try? manager.removeItem(atPath: staging)
            throw error
        }
    }

    /// A kept prompt as an input record Prefab reads back unchanged (same id, same turns).
    static func record(_ prompt: PromptRecord) -> JSONObject {
        var object = JSONObject()
        _ = object.updateValue(.string(prompt.promptID), forKey: "id")
        if prompt.messages.count == 1, prompt.messages[0].role == "user" {
            _ = object.updateValue(.string(prompt.messages[0].content), forKey: "prompt")
        } else {
            _ = object.updateValue(
                .array(prompt.messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) }), forKey: "messages")
        }
        if !prompt.source.isEmpty { _ = object.updateValue(.string(prompt.source), forKey: "source") }
        if let reference = prompt.reference { _ = object.updateValue(.string(reference), forKey: "reference") }
        if let metadata = prompt.metadata { _ = object.updateValue(metadata, forKey: "metadata") }
        return object
    }
}
