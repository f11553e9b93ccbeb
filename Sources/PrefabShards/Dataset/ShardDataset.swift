import Foundation

/// A shard file or directory opened for reading, whatever its format: the entry point later
/// stages use to read their input.
///
/// - a directory with `index.json`: MDS (with Prefab's `manifest.json` when Prefab wrote it)
/// - a directory with `manifest.json` only: Prefab JSONL.zst shards, in manifest order
/// - a file: JSON Lines, plain or zstd (detected from its first bytes), or a lone MDS shard
///   (`*.mds`, `*.mds.zstd`, read through the config embedded in it), or an `index.json`
///
/// Opening reads only indexes and manifests; records are read (streamed) through a
/// `RecordCursor` or the `records` async sequence.
public struct ShardDataset: Sendable {
    public let path: String
    public let format: ShardFormat
    /// The shard files, in reading order.
    public let files: [String]
    public let manifest: ShardManifest?
    public let mdsIndex: MDSIndex?
    public let verification: Verification
    /// Whether `path` names a lone MDS shard file.
    let standaloneMDSShard: Bool

    /// Opens `path` (file or directory).
    public static func open(_ path: String, verification: Verification = .standard) throws(ShardError) -> ShardDataset {
        try ShardDataset(path: path, verification: verification)
    }

    private init(path: String, verification: Verification) throws(ShardError) {
        self.verification = verification
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .notFound(path: path)
        }
        var directory = path
        if !isDirectory.boolValue {
            let name = URL(fileURLWithPath: path).lastPathComponent
            if name == MDSIndex.fileName {
                directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            } else if name.hasSuffix(".mds") || name.hasSuffix(".mds.zstd") {
                self.path = path
                format = .mds
                files = [path]
                manifest = nil
                mdsIndex = nil
                standaloneMDSShard = true
                return
            } else {
                self.path = path
                let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
                let siblingManifest = try? ShardManifest.load(from: parent)
                manifest = siblingManifest.flatMap { $0.shard(named: name) != nil ? $0 : nil }
                format = try Self.sniff(path)
                files = [path]
                mdsIndex = nil
                standaloneMDSShard = false
                return
            }
        }
        self.path = directory
        standaloneMDSShard = false
        let manifest = try ShardManifest.load(from: directory)
        self.manifest = manifest
        if FileManager.default.fileExists(atPath: directory + "/" + MDSIndex.fileName) {
            let index = try MDSIndex.load(from: directory)
            mdsIndex = index
            format = .mds
            files = index.shards.map { directory + "/" + $0.storedFile.basename }
            return
        }
        mdsIndex = nil
        guard let manifest else {
            let listing = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            let shardLike = listing.filter { $0.hasSuffix(".jsonl.zst") || $0.hasSuffix(".jsonl") || $0.hasSuffix(".mds") || $0.hasSuffix(".mds.zstd") }
            if shardLike.isEmpty {
                throw .invalidIndex(path: directory, reason: "no index.json or manifest.json, and no shard files: not a dataset directory")
            }
            throw .invalidIndex(path: directory, reason: "has shard files but no index.json or manifest.json: its writer did not finish (or it was not written by Prefab); read the shard files one by one")
        }
        format = manifest.format
        files = manifest.shards.map { directory + "/" + $0.file }
    }

    /// Plain or zstd JSON Lines, from the first bytes.
    private static func sniff(_ path: String) throws(ShardError) -> ShardFormat {
        let file = try ReadableFile(path: path)
        let magic = file.size >= 4 ? try file.read(count: 4, at: 0) : []
        if magic == [0x28, 0xB5, 0x2F, 0xFD] || (magic.count == 4 && magic[0] & 0xF0 == 0x50 && Array(magic[1...]) == [0x2A, 0x4D, 0x18]) {
            return .jsonlZst
        }
        return .jsonl
    }

    /// The number of records when the index or manifest says (nil for lone JSONL files).
    public var knownRecordCount: Int? {
        if let mdsIndex { return mdsIndex.sampleCount }
        if let manifest, files.count == manifest.shards.count { return manifest.recordCount }
        if let manifest, files.count == 1 { return manifest.shard(named: URL(fileURLWithPath: files[0]).lastPathComponent)?.records }
        return nil
    }

    /// A cursor positioned before record `offset`.
    public func cursor(offset: Int = 0) throws(ShardError) -> RecordCursor {
        try RecordCursor(dataset: self, offset: offset)
    }

    /// Every record, streamed.
    public func records(offset: Int = 0) -> ShardRecords {
        ShardRecords(dataset: self, offset: offset)
    }

    /// Reads every record into memory (small datasets, tests).
    public func readAll() throws(ShardError) -> [JSONObject] {
        let cursor = try cursor()
        var records: [JSONObject] = []
        while let record = try cursor.next() { records.append(record) }
        return records
    }

    /// The manifest entry for a shard file, if any.
    func manifestEntry(for file: String) -> ShardManifest.Shard? {
        manifest?.shard(named: relativeName(of: file))
    }

    /// A shard file's name as its manifest or index writes it: relative to the directory, so a
    /// merged run's `part-00002-of-00004/…` keeps its subdirectory.
    func relativeName(of file: String) -> String {
        let prefix = path.hasSuffix("/") ? path : path + "/"
        return file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : URL(fileURLWithPath: file).lastPathComponent
    }
}
