import Foundation
import GRDB

/// The schema of `RUN_DIR/review.sqlite`, where `prefab review` keeps people's labels. Its one
/// home, because two sides use it: the review server writes it (PrefabReview's `ReviewStore`),
/// and pairing, `eval-judges --human`, the report and the export read it (`HumanVerdicts`).
///
/// Every click is one row in `labels`, never updated except to mark it undone, so the file is
/// also the audit log: who said what, when, and what they took back.
package enum ReviewDatabase {
    package static let fileName = "review.sqlite"

    package static func path(runDirectory: String) -> String {
        (runDirectory as NSString).appendingPathComponent(fileName)
    }

    /// WAL so readers (a `prefab pairs` while people review) never block the writer, and
    /// `synchronous = FULL` so a label the page was told is saved survives a power cut.
    package static func configuration(readonly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readonly
        configuration.busyMode = .timeout(5)
        if !readonly {
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        }
        return configuration
    }

    package static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("review-v1") { db in
            try db.execute(sql: """
                CREATE TABLE labels (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    prompt_id TEXT NOT NULL,
                    reviewer TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    verdict TEXT NOT NULL,
                    aspects TEXT,
                    note TEXT,
                    undone_at TEXT
                );
                CREATE INDEX labels_by_item ON labels (prompt_id, reviewer, id);
                CREATE INDEX labels_by_reviewer ON labels (reviewer, id);
                """)
        }
        return migrator
    }

    /// The labels that stand: each reviewer's latest label of each item that was not undone.
    package static let currentLabelsSQL = """
        SELECT l.id, l.prompt_id, l.reviewer, l.created_at, l.verdict, l.aspects, l.note FROM labels l
        WHERE l.id IN (SELECT MAX(id) FROM labels WHERE undone_at IS NULL GROUP BY prompt_id, reviewer)
        ORDER BY l.prompt_id, l.reviewer
        """
}
