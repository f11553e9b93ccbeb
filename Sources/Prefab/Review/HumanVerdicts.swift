import Foundation
import GRDB

/// The people's verdicts of a run, read once from `RUN_DIR/review.sqlite`: what pairing uses
/// over the judges' scores, what `eval-judges --human` measures judges against, what the
/// report shows.
///
/// An item whose reviewers disagree (one says A, another B) is a conflict: it keeps the judges'
/// labels until the reviewers agree, and `conflicts` lists it so the page can show it.
package struct HumanVerdicts: Sendable {
    /// Every standing label, by prompt id then reviewer.
    package private(set) var labels: [String: [HumanLabel]]
    /// The verdict of every item whose reviewers agree.
    package private(set) var verdicts: [String: HumanVerdict]
    /// Prompt ids whose reviewers disagree.
    package private(set) var conflicts: Set<String>

    package init(labels: [HumanLabel]) {
        var byItem: [String: [HumanLabel]] = [:]
        for label in labels { byItem[label.promptID, default: []].append(label) }
        self.labels = byItem
        var verdicts: [String: HumanVerdict] = [:]
        var conflicts: Set<String> = []
        for (item, labels) in byItem {
            let distinct = Set(labels.compactMap(\.humanVerdict))
            if distinct.count == 1 { verdicts[item] = distinct.first } else if distinct.count > 1 { conflicts.insert(item) }
        }
        self.verdicts = verdicts
        self.conflicts = conflicts
    }

    package var isEmpty: Bool { labels.isEmpty }

    package func verdict(for promptID: String) -> HumanVerdict? { verdicts[promptID] }

    /// The labels in `RUN_DIR/review.sqlite`, or nil when the run has no such file (never
    /// reviewed). Opened read-only, so it never waits on, or blocks, a review in progress.
    package static func load(runDirectory: String) throws(HumanVerdictsError) -> HumanVerdicts? {
        let path = ReviewDatabase.path(runDirectory: runDirectory)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try load(file: path)
    }

    package static func load(file path: String) throws(HumanVerdictsError) -> HumanVerdicts {
        do {
            let queue = try DatabaseQueue(path: path, configuration: ReviewDatabase.configuration(readonly: true))
            let labels = try queue.read { db in try Row.fetchAll(db, sql: ReviewDatabase.currentLabelsSQL).map(label) }
            return HumanVerdicts(labels: labels)
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
    }

    /// The `review.sqlite` that belongs with a rated directory: in the run directory above it
    /// (`RUN/rated` → `RUN/review.sqlite`) or beside its records.
    package static func load(besideRated rated: String) throws(HumanVerdictsError) -> HumanVerdicts? {
        let directory = URL(fileURLWithPath: rated).standardizedFileURL
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory)
        let own = isDirectory.boolValue ? directory : directory.deletingLastPathComponent()
        for candidate in [own.deletingLastPathComponent(), own] {
            if let verdicts = try load(runDirectory: candidate.path) { return verdicts }
        }
        return nil
    }

    package static func label(_ row: Row) -> HumanLabel {
        var aspects: [String: Double]?
        if let text: String = row["aspects"] { aspects = try? JSONDecoder().decode([String: Double].self, from: Data(text.utf8)) }
        return HumanLabel(
            id: row["id"], promptID: row["prompt_id"], reviewer: row["reviewer"], createdAt: row["created_at"], verdict: row["verdict"],
            aspects: aspects, note: row["note"])
    }
}

package enum HumanVerdictsError: Error, CustomStringConvertible, Sendable {
    case unreadable(path: String, reason: String)
    case cannotWrite(path: String, reason: String)

    package var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read the review labels: \(reason)"
        case .cannotWrite(let path, let reason): "\(path): cannot write: \(reason)"
        }
    }
}
