import Foundation

/// A fresh directory under the system temporary directory, removed by `remove()`.
public struct ScratchDirectory: Sendable {
    public let path: String

    public init(_ label: String = "prefab-test") {
        path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func sub(_ name: String) -> String { path + "/" + name }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
