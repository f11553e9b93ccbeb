import Foundation
import PrefabShards

/// Puts a finished local dataset directory at an `s3://` prefix the way readers need it: every
/// shard uploaded once, the index files (`index.json`, `manifest.json`, summaries, report, card)
/// only after every shard is in place, so a loader never finds an index naming a missing shard.
///
/// The prefix is claimed first with an identity marker (`.prefab-dataset.json`): a prefix that
/// holds objects but no marker, or another dataset's marker, is refused unless forced, so a
/// typo in `output:` cannot mix two datasets. The ledger makes it resumable: an object recorded
/// as finished, whose local bytes are unchanged and whose HEAD still shows its size and ETag, is
/// not sent again; multipart uploads a killed session left open are aborted first.
package struct S3Publisher: Sendable {
    package static let markerName = ".prefab-dataset.json"

    package let client: S3Client
    package let destination: S3Location
    package let identity: String
    package let ledger: any UploadLedger
    /// Files uploaded at once; their parts share the client's upload slots, so more files in
    /// flight overlap one file's CompleteMultipartUpload with the next one's parts.
    package var fileConcurrency = 4
    /// Where a file goes under the destination, by its path relative to the local directory:
    /// the path itself, unless the local layout differs from the published one (a partition's
    /// shards close in `samples/…` and belong in `samples/part-00002-of-00004/…`).
    package var keyForFile: @Sendable (String) -> String = { $0 }
    /// Which keys under the destination (relative to it) this publisher writes. Several writers
    /// can share a prefix (a run's partitions, side by side): each aborts only the multipart
    /// uploads left open in its own keys, never another's in flight.
    package var ownsKey: @Sendable (String) -> Bool = { _ in true }

    package init(client: S3Client, destination: S3Location, identity: String, ledger: any UploadLedger) {
        self.client = client
        self.destination = destination.asPrefix
        self.identity = identity
        self.ledger = ledger
    }

    /// What a publish did, for the command's last line.
    package struct Outcome: Sendable {
        package var uploaded: [UploadRecord] = []
        package var skipped: [UploadRecord] = []
        package var abortedUploads = 0
    }

    /// Refuses a prefix that holds something other than this dataset, unless `force`; then
    /// writes the marker. Safe to call on every session.
    package func claim(force: Bool) async throws {
        let markerKey = destination.key + Self.markerName
        if try await client.objectIfPresent(bucket: destination.bucket, key: markerKey) != nil {
            return try await checkMarker(force: force)
        }
        let existing = try await client.listObjects(bucket: destination.bucket, prefix: destination.key)
        // Another writer of the same dataset (a partition started alongside) may have claimed
        // the prefix between the look for the marker and the listing: it writes the marker
        // before anything else, so a listing holding its objects holds the marker too.
        if existing.contains(where: { $0.key == markerKey }) {
            return try await checkMarker(force: force)
        }
        if !existing.isEmpty, !force {
            throw S3Error.notEmpty(
                location: destination.description,
                detail: "already holds \(existing.count) object(s) (e.g. \(existing[0].key)) that Prefab did not write for this dataset: choose an empty prefix, or pass --force to write into it")
        }
        try await writeMarker()
    }

    /// The marker is there: this dataset's (nothing to do), or another's (refused unless `force`).
    private func checkMarker(force: Bool) async throws {
        let data = try await client.getObject(bucket: destination.bucket, key: destination.key + Self.markerName)
        let stored = (try? JSONObject(parsing: data))?["identity"]?.stringValue
        if stored == identity { return }
        if force { return try await writeMarker() }
        throw S3Error.notEmpty(
            location: destination.description,
            detail: "holds another dataset (its \(Self.markerName) has identity \(stored ?? "?"), this one is \(identity)): choose another prefix, or pass --force to write over it")
    }

    private func writeMarker() async throws {
        let marker: JSONObject = ["identity": .string(identity), "writer": "prefab", "version": .string(PrefabVersion.string)]
        try await client.putObject(
            bucket: destination.bucket, key: destination.key + Self.markerName,
            body: Data(marker.serialized(style: .pythonSortedKeys).utf8), contentType: "application/json")
    }

    /// Aborts the multipart uploads a killed session left open: those the ledger recorded, and
    /// any other under the prefix. A kill after S3 created an upload but before the ledger wrote
    /// it down leaves one the ledger never saw; the prefix is this run's (claimed by its marker),
    /// so every open upload in it is a leftover of this run.
    package func abortUnfinished() async throws -> Int {
        let recorded = try await ledger.unfinished()
        let listed = try await client.listMultipartUploads(bucket: destination.bucket, prefix: destination.key)
        let unrecorded = listed.filter { upload in
            !recorded.contains { $0.uploadID == upload.uploadID } && ownsKey(String(upload.key.dropFirst(destination.key.count)))
        }
        for upload in recorded + unrecorded {
            try await client.abortMultipartUpload(bucket: destination.bucket, key: upload.key, uploadID: upload.uploadID)
        }
        for upload in recorded { try await ledger.ended(upload) }
        return recorded.count + unrecorded.count
    }

    /// Whether a file (by its path relative to the dataset) is data rather than an index.
    package static func isShard(_ relative: String) -> Bool {
        let name = (relative as NSString).lastPathComponent
        return name.hasSuffix(".mds") || name.hasSuffix(".mds.zstd") || name.hasSuffix(".jsonl.zst") || name.hasSuffix(".zstd")
            || (name.hasSuffix(".jsonl") && name.hasPrefix("shard"))
    }

    /// Uploads every regular file under `directory` (hidden ones and `skip` aside): shards
    /// first, then the other files, `index.json` and `manifest.json` last. Each group goes up
    /// `fileConcurrency` files at once and is finished before the next starts: a loader opens a
    /// dataset by its index or manifest, so those wait for every shard, and nothing else needs
    /// an order (a few dozen small files one request at a time cost a round trip each).
    /// `digests`: the SHA-256 of files the caller knows (from a manifest), by relative path,
    /// so they are not read an extra time to be hashed.
    package func publish(directory: String, skip: (String) -> Bool = { _ in false }, digests: [String: String] = [:]) async throws -> Outcome {
        var files: [String] = []
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: directory) else {
            throw S3Error.localFile(path: directory, detail: "cannot be listed")
        }
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory) else { continue }
            if name.hasPrefix(".") {
                if isDirectory.boolValue { enumerator.skipDescendants() }
                continue
            }
            if isDirectory.boolValue || skip(relative) { continue }
            files.append(relative)
        }
        let shards = files.filter(Self.isShard).sorted()
        let indexNames: Set<String> = ["index.json", "manifest.json"]
        let isIndex = { (relative: String) in indexNames.contains((relative as NSString).lastPathComponent) }
        let others = files.filter { !Self.isShard($0) && !isIndex($0) }.sorted()
        let indexes = files.filter(isIndex).sorted()
        var outcome = Outcome()
        outcome.abortedUploads = try await abortUnfinished()
        let earlier = try await ledger.finished()
        for group in [shards, others, indexes] {
            try await upload(group, from: directory, earlier: earlier, digests: digests, into: &outcome)
        }
        return outcome
    }

    private func upload(
        _ files: [String], from directory: String, earlier: [String: UploadRecord], digests: [String: String], into outcome: inout Outcome
    ) async throws {
        let width = max(1, fileConcurrency)
        try await withThrowingTaskGroup(of: (UploadRecord, Bool).self) { group in
            var next = 0
            func add() {
                let relative = files[next]
                next += 1
                group.addTask {
                    try await self.uploadOne(
                        directory + "/" + relative, relative: relative, earlier: earlier[key(for: relative)], sha256: digests[relative])
                }
            }
            while next < min(width, files.count) { add() }
            while let (record, sent) = try await group.next() {
                if sent { outcome.uploaded.append(record) } else { outcome.skipped.append(record) }
                if next < files.count { add() }
            }
        }
    }

    /// Uploads one file unless the ledger and a HEAD show the same bytes are already there.
    /// Returns the record and whether anything was sent. `sha256`: the file's digest when the
    /// caller knows it (a shard writer computed it while writing), else it is read here.
    package func uploadOne(_ path: String, relative: String, earlier: UploadRecord?, sha256 known: String? = nil) async throws -> (UploadRecord, Bool) {
        let key = key(for: relative)
        let sha256 = try known ?? Self.sha256(ofFile: path)
        if let earlier, earlier.sha256 == sha256,
            let present = try await client.objectIfPresent(bucket: destination.bucket, key: key),
            present.size == earlier.size, present.etag == earlier.etag
        {
            return (earlier, false)
        }
        let ledger = self.ledger
        let info = try await client.uploadFile(path, to: S3Location(bucket: destination.bucket, key: key), contentType: Self.contentType(relative)) { id in
            try await ledger.started(S3MultipartUpload(key: key, uploadID: id))
        }
        let record = UploadRecord(key: key, etag: info.etag, size: info.size, sha256: sha256)
        try await ledger.finished(record)
        for upload in try await ledger.unfinished() where upload.key == key {
            try await ledger.ended(upload)
        }
        return (record, true)
    }

    /// The object key of the file at `relative` in the local directory.
    package func key(for relative: String) -> String {
        destination.key + keyForFile(relative)
    }

    static func contentType(_ relative: String) -> String {
        if relative.hasSuffix(".json") { return "application/json" }
        if relative.hasSuffix(".md") { return "text/markdown; charset=utf-8" }
        if relative.hasSuffix(".html") { return "text/html; charset=utf-8" }
        if relative.hasSuffix(".jsonl") { return "application/jsonl" }
        return "application/octet-stream"
    }

    static func sha256(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw S3Error.localFile(path: path, detail: "cannot be read")
        }
        defer { try? handle.close() }
        var digest = Digest(.sha256)
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            digest.update(chunk)
        }
        return digest.finalizeHex()
    }
}
