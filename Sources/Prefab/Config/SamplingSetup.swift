import Foundation

/// A sampling config read, checked and resolved: principle files loaded, every name checked,
/// relative paths made absolute. Everything the sampler needs before its first call, so every
/// config mistake surfaces before anything is paid for.
public struct SamplingSetup: Sendable {
    public var configuration: SamplingConfiguration
    public var principles: PrincipleLibrary
    /// The prompts file or MDS directory, resolved against the config file; nil when the config
    /// does not say (the command line then must).
    public var promptsPath: String?
    /// `<output>/samples`, resolved; nil when the config names no output directory.
    public var samplesDirectory: String?
    /// The config's `storage:` block (a run config's, read by `prefab sample` for an `s3://`
    /// output or prompts); `load` reads it.
    public var storage: StorageConfiguration?

    /// The planner for this config.
    package var planner: SamplePlanner {
        SamplePlanner(
            seed: configuration.seed, pool: configuration.pool, principles: configuration.principles,
            library: principles)
    }

    /// Reads the sampling config (or a whole run config) at `file`.
    public static func load(file: String) throws(ConfigError) -> SamplingSetup {
        let document = try ConfigDocument(contentsOf: file)
        let configuration = try document.decode(SamplingConfiguration.self)
        var setup = try resolve(configuration, in: document)
        let storageKey = ConfigKey(stringValue: "storage")
        if document.node(at: [storageKey]) != nil {
            setup.storage = try document.decode(StorageConfiguration.self, at: [storageKey])
        }
        return setup
    }

    /// Resolves `configuration`, which was decoded from `document` at `prefix` (empty for a
    /// standalone file; a run config passes where it keeps these blocks).
    package static func resolve(
        _ configuration: SamplingConfiguration, in document: ConfigDocument, at prefix: [ConfigKey] = []
    ) throws(ConfigError) -> SamplingSetup {
        let principlesKey = ConfigKey(stringValue: "principles")
        let library = try loadPrinciples(configuration.principles, in: document, at: prefix + [principlesKey])
        return SamplingSetup(
            configuration: configuration, principles: library,
            promptsPath: configuration.prompts.map { RemoteInput.isRemote($0.path) ? $0.path : document.resolve(path: $0.path) },
            // An s3:// output is a run's (`prefab run` publishes there), never a local directory.
            samplesDirectory: configuration.output.flatMap {
                RemoteInput.isRemote($0) ? nil : (document.resolve(path: $0) as NSString).appendingPathComponent("samples")
            })
    }

    /// Loads the principle files and checks every name the mix uses.
    static func loadPrinciples(
        _ principles: PrinciplesConfiguration, in document: ConfigDocument, at path: [ConfigKey]
    ) throws(ConfigError) -> PrincipleLibrary {
        let directory: String
        if let configured = principles.directory {
            directory = document.resolve(path: configured)
            guard isDirectory(directory) else {
                throw document.error(
                    at: path + [ConfigKey(stringValue: "directory")], "no such directory: \(directory)")
            }
        } else if let found = findBundledPrinciples(from: document.directory) {
            directory = found
        } else {
            throw document.error(
                at: path,
                "cannot find the bundled \(PrinciplesConfiguration.defaultDirectory) beside the config file, "
                    + "above it, in the current directory, or with prefab's installed data; set principles.directory")
        }
        let library = try PrincipleLibrary.load(directory: directory)
        let available = library.names.joined(separator: ", ")
        for source in principles.mix.keys.sorted() {
            for name in principles.mix[source]!.weights.keys.sorted() where library[name] == nil {
                throw document.error(
                    at: path + [ConfigKey(stringValue: "mix"), ConfigKey(stringValue: source), ConfigKey(stringValue: name)],
                    "unknown principle '\(name)'; \(directory) has: \(available)")
            }
        }
        return library
    }

    /// `rubrics/principles` in `start` or a directory above it, else in the current directory,
    /// else Prefab's own (`PrefabResources`: installed, or the source checkout).
    static func findBundledPrinciples(from start: URL) -> String? {
        var directory = start.standardizedFileURL
        while true {
            let candidate = directory.appendingPathComponent(PrinciplesConfiguration.defaultDirectory).path
            if isDirectory(candidate) { return candidate }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        let fromCurrent = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent(PrinciplesConfiguration.defaultDirectory).path
        if isDirectory(fromCurrent) { return fromCurrent }
        guard let bundled = try? PrefabResources.locate().principles.path, isDirectory(bundled) else { return nil }
        return bundled
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
