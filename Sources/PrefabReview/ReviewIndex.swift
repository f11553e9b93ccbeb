import Foundation
import GRDB
import Prefab
import PrefabShards

/// The review queue of a run, built once from its rated shards into
/// `RUN_DIR/review-index.sqlite`: one row per prompt with its uncertainty, filter columns, the
/// start of its prompt and the record itself (zstd-compressed), so opening the queue and an item
/// reads a few rows, never the shards.
///
/// The index remembers the shards it was built from (names, sizes, modification times) and is
/// rebuilt when they change (a resumed run, a re-judge). It is built under a temporary name and
/// renamed into place, so a killed build leaves no half index. `review.sqlite` is attached, so
/// the queue filters by what people already reviewed in the same query.
package final class ReviewIndex: Sendable {
    package static let fileName = "review-index.sqlite"
    /// Characters of the prompt the queue shows.
    static let previewLength = 160
    static let schemaVersion = "2"

    package let runDirectory: String
    package let path: String
    /// Seconds the last open spent building the index; nil when it was already built.
    package let buildSeconds: Double?
    private let queue: DatabaseQueue

    /// Opens the run's index, building it first when it is missing or stale.
    /// `review.sqlite` must exist (the `ReviewStore` creates it).
    package init(runDirectory: String) throws(ReviewError) {
        self.runDirectory = runDirectory
        let rated = (runDirectory as NSString).appendingPathComponent("rated")
        try Self.checkRunDirectory(runDirectory)
        path = (runDirectory as NSString).appendingPathComponent(Self.fileName)
        let fingerprint = try Self.fingerprint(rated: rated)
        if try Self.storedFingerprint(path) != fingerprint {
            let start = Date()
            try Self.build(rated: rated, into: path, fingerprint: fingerprint)
            buildSeconds = Date().timeIntervalSince(start)
        } else {
            buildSeconds = nil
        }
        let labels = ReviewDatabase.path(runDirectory: runDirectory)
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            configuration.prepareDatabase { db in
                try db.execute(sql: "ATTACH DATABASE ? AS review", arguments: [labels])
            }
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw .index(path: path, reason: "\(error)")
        }
    }

    /// Refuses anything but a run directory with rated records, before anything is written into it.
    package static func checkRunDirectory(_ runDirectory: String) throws(ReviewError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: runDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notARunDirectory(runDirectory)
        }
        guard FileManager.default.fileExists(atPath: (runDirectory as NSString).appendingPathComponent("rated")) else {
            throw .noRatedRecords(runDirectory)
        }
    }

    // MARK: building

    /// The rated shards' names, sizes and modification times, one line each.
    static func fingerprint(rated: String) throws(ReviewError) -> String {
        let manager = FileManager.default
        let names: [String]
        do {
            names = try manager.contentsOfDirectory(atPath: rated).filter { $0.hasSuffix(".jsonl.zst") || $0.hasSuffix(".jsonl") }.sorted()
        } catch {
            throw .unreadable(path: rated, record: nil, reason: error.localizedDescription)
        }
        guard !names.isEmpty else { throw .noRatedRecords((rated as NSString).deletingLastPathComponent) }
        return ([schemaVersion] + names.map { name in
            let attributes = try? manager.attributesOfItem(atPath: (rated as NSString).appendingPathComponent(name))
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(name) \(size) \(modified)"
        }).joined(separator: "\n")
    }

    static func storedFingerprint(_ path: String) throws(ReviewError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return try queue.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'fingerprint'")
            }
        } catch {
            // An index that cannot be read is rebuilt.
            return nil
        }
    }

    static func build(rated: String, into path: String, fingerprint: String) throws(ReviewError) {
        let staging = path + ".partial-\(getpid())"
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: staging + suffix) }
        // A build killed half-way left its file behind; one whose process is gone is removed.
        let directory = (path as NSString).deletingLastPathComponent
        let prefix = (path as NSString).lastPathComponent + ".partial-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix(prefix) {
            let pid = Int32(name.dropFirst(prefix.count).prefix { $0.isNumber }) ?? 0
            if pid > 0, kill(pid, 0) != 0, errno == ESRCH { try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name)) }
        }
        do {
            let queue = try DatabaseQueue(path: staging)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
                try db.execute(sql: """
                    CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                    CREATE TABLE items (
                        ordinal INTEGER PRIMARY KEY NOT NULL,
                        prompt_id TEXT NOT NULL,
                        source TEXT NOT NULL,
                        models TEXT NOT NULL,
                        aspects TEXT NOT NULL,
                        flags TEXT NOT NULL,
                        completions INTEGER NOT NULL,
                        uncertainty REAL NOT NULL,
                        figures TEXT NOT NULL,
                        preview TEXT NOT NULL,
                        record BLOB NOT NULL
                    );
                    CREATE TABLE facets (kind TEXT NOT NULL, value TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (kind, value));
                    """)
            }
            var facets: [String: [String: Int]] = [:]
            try queue.inTransaction { db in
                let insert = try db.makeStatement(sql: """
                    INSERT INTO items (ordinal, prompt_id, source, models, aspects, flags, completions, uncertainty, figures, preview, record)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                try ReviewIndexBatches.forEach(rated: rated) { (position, item, record) throws(ReviewError) in
                    for (kind, values) in [("model", item.models), ("source", [item.source]), ("aspect", item.aspects), ("flag", item.flags)] {
                        for value in values { facets[kind, default: [:]][value, default: 0] += 1 }
                    }
                    do {
                        try insert.execute(arguments: [
                            position, item.promptID, item.source, Self.joined(item.models), Self.joined(item.aspects),
                            Self.joined(item.flags), item.completions, item.uncertainty.score, item.uncertainty.json, item.preview, Data(record),
                        ])
                    } catch {
                        throw .index(path: path, reason: "\(error)")
                    }
                }
                let facet = try db.makeStatement(sql: "INSERT INTO facets (kind, value, count) VALUES (?, ?, ?)")
                for (kind, values) in facets {
                    for (value, count) in values { try facet.execute(arguments: [kind, value, count]) }
                }
                try db.execute(sql: "CREATE INDEX items_queue ON items (uncertainty DESC, ordinal)")
                try db.execute(sql: "CREATE UNIQUE INDEX items_prompt ON items (prompt_id)")
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('fingerprint', ?)", arguments: [fingerprint])
                return .commit
            }
            try queue.close()
        } catch let error as ReviewError {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw .index(path: path, reason: "\(error)")
        }
        // rename(2) replaces the old index in one step; its WAL files belong to the old one.
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        guard rename(staging, path) == 0 else {
            throw .index(path: path, reason: "cannot move the new index into place: \(String(cString: strerror(errno)))")
        }
        try? AtomicFileWriter.syncDirectory(of: path)
    }

    /// Values joined with tabs and a tab on each end, so `LIKE '%\tvalue\t%'` matches a whole value.
    static func joined(_ values: [String]) -> String { "\t" + values.joined(separator: "\t") + "\t" }

    static func split(_ joined: String) -> [String] { joined.split(separator: "\t").map(String.init) }

    // MARK: reading

    package var count: Int {
        (try? queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items") }) ?? 0
    }

    /// Model, source, aspect and flag values with how many items have each, for the filters.
    package func facets() throws(ReviewError) -> [String: [ReviewFacet]] {
        do {
            return try queue.read { db in
                var facets: [String: [ReviewFacet]] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT kind, value, count FROM facets ORDER BY kind, value") {
                    facets[row["kind"], default: []].append(ReviewFacet(value: row["value"], count: row["count"]))
                }
                return facets
            }
        } catch {
            throw .index(path: path, reason: "\(error)")
        }
    }

    /// One page of the queue, most uncertain first, filtered.
    package func page(_ filter: ReviewQueueFilter, offset: Int, limit: Int) throws(ReviewError) -> ReviewQueuePage {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        for (column, value) in [("models", filter.model), ("aspects", filter.aspect), ("flags", filter.flag)] {
            guard let value, !value.isEmpty else { continue }
            conditions.append("\(column) LIKE ? ESCAPE '\\'")
            arguments.append("%\t" + Self.escapeLike(value) + "\t%")
        }
        if let source = filter.source, !source.isEmpty {
            conditions.append("source = ?")
            arguments.append(source)
        }
        let reviewed = "EXISTS (SELECT 1 FROM review.labels l WHERE l.prompt_id = items.prompt_id AND l.undone_at IS NULL)"
        switch filter.status {
        case .all: break
        case .unreviewed: conditions.append("NOT " + reviewed)
        case .reviewed: conditions.append(reviewed)
        case .conflicts:
            conditions.append("""
                (SELECT COUNT(DISTINCT verdict) FROM review.labels l WHERE l.prompt_id = items.prompt_id AND l.id IN
                (SELECT MAX(id) FROM review.labels m WHERE m.prompt_id = items.prompt_id AND m.undone_at IS NULL GROUP BY m.reviewer)) > 1
                """)
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        do {
            return try queue.read { db in
                let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items \(whereClause)", arguments: StatementArguments(arguments)) ?? 0
                let rows = try Row.fetchAll(
                    db, sql: """
                        SELECT ordinal, prompt_id, source, models, flags, completions, uncertainty, figures, preview,
                        (SELECT COUNT(DISTINCT reviewer) FROM review.labels l WHERE l.prompt_id = items.prompt_id AND l.undone_at IS NULL) AS reviewers
                        FROM items \(whereClause) ORDER BY uncertainty DESC, ordinal LIMIT ? OFFSET ?
                        """,
                    arguments: StatementArguments(arguments + [limit, offset]))
                let entries = rows.map { row in
                    ReviewQueueEntry(
                        ordinal: row["ordinal"], promptID: row["prompt_id"], source: row["source"], models: Self.split(row["models"]),
                        flags: Self.split(row["flags"]), completions: row["completions"], uncertainty: row["uncertainty"],
                        preview: row["preview"], reviewers: row["reviewers"])
                }
                return ReviewQueuePage(total: total, offset: offset, entries: entries)
            }
        } catch {
            throw .index(path: path, reason: "\(error)")
        }
    }

    /// The rated record of one item and its uncertainty, or nil when no item has that id.
    package func record(promptID: String) throws(ReviewError) -> (record: RatedRecord, ordinal: Int, uncertainty: ReviewUncertainty)? {
        do {
            let row = try queue.read { db in
                try Row.fetchOne(db, sql: "SELECT ordinal, figures, record FROM items WHERE prompt_id = ?", arguments: [promptID])
            }
            guard let row else { return nil }
            let blob: Data = row["record"]
            guard let json = ZstdBlob.decompress([UInt8](blob)) else { throw ReviewError.index(path: path, reason: "a stored record is corrupt; delete the index") }
            let record = try JSONDecoder().decode(RatedRecord.self, from: Data(json))
            let figures = try JSONDecoder().decode(ReviewUncertainty.self, from: Data((row["figures"] as String).utf8))
            return (record, row["ordinal"], figures)
        } catch let error as ReviewError {
            throw error
        } catch {
            throw .index(path: path, reason: "\(error)")
        }
    }

    /// How many completions an item has, or nil when no item has that id.
    package func completionCount(promptID: String) throws(ReviewError) -> Int? {
        do {
            return try queue.read { db in try Int.fetchOne(db, sql: "SELECT completions FROM items WHERE prompt_id = ?", arguments: [promptID]) }
        } catch {
            throw .index(path: path, reason: "\(error)")
        }
    }

    static func escapeLike(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
