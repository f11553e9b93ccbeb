import Foundation
import PrefabShards

/// What a run's rows were made from, as content hashes: `run-summary.json` keeps it and the
/// dataset card prints it, so a dataset found later can be matched to the exact prompts, config,
/// judge ensemble, rubrics and templates that made it (a path alone says nothing once the file
/// has been edited).
public struct RunProvenance: Codable, Hashable, Sendable {
    /// One input file (or directory) and the SHA-256 of its content.
    public struct Content: Codable, Hashable, Sendable {
        public var path: String
        public var sha256: String
    }

    public var prefabVersion: String = PrefabVersion.string
    /// The run's identity (`RunSetup.identity`): the journal's key.
    public var identity: String
    public var config: Content
    public var prompts: Content
    /// The sampling settings as the identity digests them (seed, pool, principles and their
    /// system prompts, endpoint identities).
    public var samplingSettings: String
    /// Every file the judge ensemble read (the ensemble file, its rubric files and templates),
    /// by path (relative to the config file's directory when under it, else absolute), with its
    /// SHA-256.
    public var judgeFiles: [String: String]
}

extension RunProvenance {
    /// The provenance of `setup`'s run: the judge files' hashes are the identity's parts (read
    /// when the setup was loaded); the config and prompts are hashed now.
    package init(setup: RunSetup) throws(RunError) {
        var files = setup.identityParts
        let sampling = files.removeValue(forKey: RunSetup.samplingPart) ?? ""
        self.init(
            identity: setup.identity,
            config: Content(path: setup.file, sha256: try Self.sha256(of: setup.file)),
            prompts: Content(path: setup.prompts.path, sha256: try Self.sha256(of: setup.prompts.path)),
            samplingSettings: sampling, judgeFiles: files)
    }

    /// SHA-256 of a file, read in chunks (a prompts file can be large); of a directory (an MDS
    /// prompts directory), the SHA-256 over its files in name order, each as its relative path,
    /// a NUL, its length and its bytes, so renaming or moving a file changes it too.
    package static func sha256(of path: String) throws(RunError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .output(path: path, reason: "cannot hash the run's input: no such file")
        }
        var digest = Digest(.sha256)
        if !isDirectory.boolValue {
            try add(file: path, to: &digest)
            return digest.finalizeHex()
        }
        var files: [String] = []
        if let walker = FileManager.default.enumerator(atPath: path) {
            for case let relative as String in walker {
                var nested: ObjCBool = false
                if FileManager.default.fileExists(atPath: path + "/" + relative, isDirectory: &nested), !nested.boolValue {
                    files.append(relative)
                }
            }
        }
        for relative in files.sorted() {
            let full = (path as NSString).appendingPathComponent(relative)
            let size = (try? FileManager.default.attributesOfItem(atPath: full)[.size] as? NSNumber)?.intValue ?? 0
            digest.update(Data("\(relative)\u{0}\(size)\u{0}".utf8))
            try add(file: full, to: &digest)
        }
        return digest.finalizeHex()
    }

    private static func add(file path: String, to digest: inout Digest) throws(RunError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .output(path: path, reason: "cannot read the run's input to hash it")
        }
        defer { try? handle.close() }
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw .output(path: path, reason: "cannot read the run's input to hash it: \(error.localizedDescription)")
            }
            if chunk.isEmpty { return }
            digest.update(chunk)
        }
    }

    enum CodingKeys: String, CodingKey {
        case identity, config, prompts
        case prefabVersion = "prefab_version"
        case samplingSettings = "sampling_settings"
        case judgeFiles = "judge_files"
    }
}
