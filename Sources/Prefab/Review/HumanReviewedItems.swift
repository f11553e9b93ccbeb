import Foundation

/// The rated records people reviewed, each with the reviewers' agreed verdict and the two
/// completions it compares: the one they preferred against the judges' choice when the judges
/// chose another (the disagreement itself), else against the answer the judges rank lowest; for
/// a tie or "both bad", the judges' own best and worst. What the export, `eval-judges --human`
/// and the report share.
package struct HumanReviewedItem: Sendable {
    package var record: RatedRecord
    package var verdict: HumanVerdict
    /// Indexes in `record.completions`: `first` is the human's choice for a preference.
    package var first: Int
    package var second: Int
    package var labels: [HumanLabel]

    /// The judges' own pair for the record (best-vs-worst on the fine-grained score).
    package static func judgesPair(_ record: RatedRecord) -> (chosen: Int, rejected: Int)? {
        switch Pairer(options: PairingOptions(strategy: .bestVsWorst)).outcome(for: record, human: nil) {
        case .pairs(let pairs): pairs.first.map { ($0.chosen.index, $0.rejected.index) }
        default: nil
        }
    }

    init?(record: RatedRecord, verdict: HumanVerdict, labels: [HumanLabel]) {
        self.record = record
        self.verdict = verdict
        self.labels = labels
        switch verdict {
        case .prefers(let index):
            guard record.completions.indices.contains(index) else { return nil }
            guard case .pairs(let pairs) = Pairer(options: PairingOptions(strategy: .bestVsWorst)).outcome(for: record, human: verdict),
                let pair = pairs.first
            else { return nil }
            first = index
            if let judges = Self.judgesPair(record), judges.chosen != index,
                record.completions[judges.chosen].response != record.completions[index].response
            {
                second = judges.chosen
            } else {
                second = pair.rejected.index
            }
        case .tie, .bothBad:
            if let pair = Self.judgesPair(record) {
                (first, second) = pair
            } else if record.completions.count >= 2 {
                (first, second) = (0, 1)
            } else {
                return nil
            }
        }
    }

    /// Reads the run's rated records and keeps the reviewed ones, in record order.
    package static func load(runDirectory: String, verdicts: HumanVerdicts) throws(HumanVerdictsError) -> [HumanReviewedItem] {
        let rated = (runDirectory as NSString).appendingPathComponent("rated")
        var items: [HumanReviewedItem] = []
        try StageRecords.forEach(
            RatedRecord.self, in: rated,
            unreadable: { path, record, reason in HumanVerdictsError.unreadable(path: path, reason: (record.map { "record \($0): " } ?? "") + reason) }
        ) { (_, record: RatedRecord) throws(HumanVerdictsError) in
            guard let verdict = verdicts.verdict(for: record.promptID),
                let item = HumanReviewedItem(record: record, verdict: verdict, labels: verdicts.labels[record.promptID] ?? [])
            else { return }
            items.append(item)
        }
        return items
    }

    /// The item as a gold pair (`datasets/judge-eval` format), or nil for a tie or "both bad"
    /// (a gold pair needs a right and a wrong answer). The prompt is the last user turn, as
    /// gold pairs hold one; the note says who decided and what they wrote.
    package var goldPair: GoldPair? {
        guard case .prefers = verdict else { return nil }
        let rated = HumanAspectAgreement.humanRatings(labels)
        let ratings = rated[first] == nil && rated[second] == nil ? nil : GoldPair.Ratings(chosen: rated[first] ?? [:], rejected: rated[second] ?? [:])
        let notes = labels.map { label in "\(label.reviewer): \(label.verdict)" + (label.note.map { " (\($0))" } ?? "") }
        return GoldPair(
            id: record.promptID, prompt: record.instruction, chosen: record.completions[first].response,
            rejected: record.completions[second].response, kind: record.source.isEmpty ? "reviewed" : record.source,
            note: "prefab review: " + notes.joined(separator: "; "), reference: record.reference, ratings: ratings)
    }
}

/// `prefab review RUN_DIR --export FILE`: the reviewed preferences as gold pairs, one JSON
/// object a line, so the reviewed items become a gold set for `eval-judges --gold`.
package enum HumanGoldExport {
    /// Writes the file atomically; returns how many pairs it holds and how many reviewed items
    /// were left out (ties, "both bad" and conflicts have no right answer).
    package static func write(runDirectory: String, to file: String) throws(HumanVerdictsError) -> (pairs: Int, skipped: Int) {
        guard let verdicts = try HumanVerdicts.load(runDirectory: runDirectory) else {
            throw .unreadable(path: ReviewDatabase.path(runDirectory: runDirectory), reason: "no review labels; review the run with `prefab review` first")
        }
        let items = try HumanReviewedItem.load(runDirectory: runDirectory, verdicts: verdicts)
        let pairs = items.compactMap(\.goldPair)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for pair in pairs {
            guard let line = try? encoder.encode(pair) else { continue }
            data.append(line)
            data.append(0x0A)
        }
        do {
            try AtomicFileWriter.write(data, to: file)
        } catch {
            throw .cannotWrite(path: file, reason: error.description)
        }
        return (pairs.count, verdicts.labels.count - pairs.count)
    }
}

/// The reviewed preferences of a run as gold pairs, for `eval-judges --human` to rate again.
package enum HumanGoldPairs {
    package static func load(runDirectory: String) throws(HumanVerdictsError) -> [GoldPair] {
        guard let verdicts = try HumanVerdicts.load(runDirectory: runDirectory) else { return [] }
        return try HumanReviewedItem.load(runDirectory: runDirectory, verdicts: verdicts).compactMap(\.goldPair)
    }
}
