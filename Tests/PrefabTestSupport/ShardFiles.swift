import Foundation

/// `zstd -t FILE` from Debian's zstd package: the outside check that Prefab's files are valid.
public func zstdTest(_ path: String) throws -> Bool {
    try runProcessBlocking("/usr/bin/zstd", ["-q", "-t", path]).status == 0
}

/// Damages a file the way a bad disk or a careless copy would, so tests can check that
/// readers notice: one byte flipped, the tail cut off.
public func flipByte(in path: String, at offset: Int) throws {
    var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    bytes[offset] ^= 0x40
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

public func truncate(_ path: String, by count: Int) throws {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    try bytes.prefix(bytes.count - count).write(to: URL(fileURLWithPath: path))
}

/// A file's size in bytes, -1 when it cannot be read.
public func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? -1
}
