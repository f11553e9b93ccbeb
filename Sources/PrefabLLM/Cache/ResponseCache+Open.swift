import Foundation

extension ResponseCache {
    /// Opens (creating it and its directory if needed) the response cache at `path`, or at the
    /// default place when nil: what `prefab sample`, `judge`, `report` and `run` share.
    public static func open(
        path: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ResponseCacheError) -> ResponseCache {
        let path = path ?? defaultPath(environment: environment)
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        return try ResponseCache(path: path)
    }

    /// The response cache's default place: `cache.sqlite` in the Prefab home (`PrefabHome`).
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        PrefabHome.resolve(environment: environment).cachePath
    }
}
