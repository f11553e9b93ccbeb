import Foundation
import GRDB
import Prefab

/// The one writer of `RUN_DIR/review.sqlite`. Every label is committed (WAL, `synchronous =
/// FULL`) before the page hears it is saved, so a label survives the server being killed the
/// moment after. An actor, so clicks from several reviewers at once are written one at a time
/// in the order they arrive; each reviewer's labels carry their own name.
package actor ReviewStore {
    package let path: String
    private let queue: DatabaseQueue

    package init(runDirectory: String) throws(ReviewError) {
        path = ReviewDatabase.path(runDirectory: runDirectory)
        do {
            queue = try DatabaseQueue(path: path, configuration: ReviewDatabase.configuration(readonly: false))
            try ReviewDatabase.migrator.migrate(queue)
        } catch {
            throw .labels(path: path, reason: "\(error)")
        }
    }

    /// Records `reviewer`'s verdict on an item; it replaces their earlier label of the item.
    package func label(
        promptID: String, reviewer: String, verdict: HumanVerdict, aspects: [String: Double]?, note: String?, at date: Date = Date()
    ) throws(ReviewError) -> HumanLabel {
        let createdAt = Self.timestamp(date)
        var aspectsText: String?
        if let aspects, !aspects.isEmpty {
            aspectsText = String(decoding: (try? JSONEncoder.sorted.encode(aspects)) ?? Data("{}".utf8), as: UTF8.self)
        }
        let note = note.flatMap { $0.isEmpty ? nil : $0 }
        do {
            return try queue.write { db in
                try db.execute(
                    sql: "INSERT INTO labels (prompt_id, reviewer, created_at, verdict, aspects, note) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [promptID, reviewer, createdAt, verdict.label, aspectsText, note])
                // Read back the one way every label is read, so the page hears what is stored.
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM labels WHERE id = ?", arguments: [db.lastInsertedRowID]) else {
                    throw DatabaseError(message: "the label just written could not be read back")
                }
                return HumanVerdicts.label(row)
            }
        } catch {
            throw .labels(path: path, reason: "\(error)")
        }
    }

    /// Takes back `reviewer`'s latest standing label (their earlier label of that item, if any,
    /// stands again). Returns the label taken back, nil when they have none.
    package func undo(reviewer: String, at date: Date = Date()) throws(ReviewError) -> HumanLabel? {
        do {
            return try queue.write { db in
                guard let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM labels WHERE reviewer = ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1", arguments: [reviewer])
                else { return nil }
                let label = HumanVerdicts.label(row)
                try db.execute(sql: "UPDATE labels SET undone_at = ? WHERE id = ?", arguments: [Self.timestamp(date), label.id])
                return label
            }
        } catch {
            throw .labels(path: path, reason: "\(error)")
        }
    }

    /// The standing labels of one item, one per reviewer.
    package func labels(promptID: String) throws(ReviewError) -> [HumanLabel] {
        do {
            return try queue.read { db in
                try Row.fetchAll(
                    db, sql: """
                        SELECT * FROM labels WHERE id IN (SELECT MAX(id) FROM labels WHERE prompt_id = ? AND undone_at IS NULL GROUP BY reviewer)
                        ORDER BY reviewer
                        """, arguments: [promptID]
                ).map(HumanVerdicts.label)
            }
        } catch {
            throw .labels(path: path, reason: "\(error)")
        }
    }

    /// Every standing label, as pairing and the report read them.
    package func verdicts() throws(ReviewError) -> HumanVerdicts {
        do {
            return HumanVerdicts(labels: try queue.read { db in
                try Row.fetchAll(db, sql: ReviewDatabase.currentLabelsSQL).map(HumanVerdicts.label)
            })
        } catch {
            throw .labels(path: path, reason: "\(error)")
        }
    }

    /// Items with a standing label, and how many of them `reviewer` labelled.
    package func progress(reviewer: String?) throws(ReviewError) -> (reviewed: Int, mine: Int) {
        do {
            return try queue.read { db in
                let reviewed = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT prompt_id) FROM labels WHERE undone_at IS NULL") ?? 0
                let mine = try reviewer.map {
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(DISTINCT prompt_id) FROM labels WHERE undone_at IS NULL AND reviewer = ?", arguments: [$0]) ?? 0
                } ?? 0
                return (reviewed, mine)
            }
        } catch {
            throw .labels(path: path, reason: "\(error)")
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

extension JSONEncoder {
    /// Keys sorted, so the same aspects always give the same text.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
