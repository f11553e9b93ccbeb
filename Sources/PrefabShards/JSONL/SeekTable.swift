/// The seek table of the zstd seekable format: one entry per data frame, stored at the end of
/// the file in a skippable frame (facebook/zstd `contrib/seekable_format`).
///
/// ```
/// u32 0x184D2A5E  u32 frame_size             skippable frame header
/// per frame: u32 compressed  u32 decompressed  [u32 checksum = low 32 bits of XXH64]
/// u32 number_of_frames  u8 descriptor (bit 7: checksums)  u32 0x8F92EAB1
/// ```
struct SeekTable: Equatable {
    struct Entry: Equatable {
        var compressedSize: UInt32
        var decompressedSize: UInt32
        var checksum: UInt32?
    }

    static let skippableMagic: UInt32 = 0x184D_2A5E
    static let seekableMagic: UInt32 = 0x8F92_EAB1
    static let footerSize = 9
    static let skippableHeaderSize = 8

    var entries: [Entry] = []
    var hasChecksums = true

    /// Total size of the skippable frame (header included) this table serialises to.
    var serializedSize: Int {
        Self.skippableHeaderSize + entries.count * (hasChecksums ? 12 : 8) + Self.footerSize
    }

    func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(serializedSize)
        func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        append(Self.skippableMagic)
        append(UInt32(serializedSize - Self.skippableHeaderSize))
        for entry in entries {
            append(entry.compressedSize)
            append(entry.decompressedSize)
            if hasChecksums { append(entry.checksum ?? 0) }
        }
        append(UInt32(entries.count))
        out.append(hasChecksums ? 0x80 : 0)
        append(Self.seekableMagic)
        return out
    }

    /// Reads the table at the end of `file`, nil when the file does not end with the seekable
    /// footer (an ordinary zstd file). Throws `corrupt` when the footer is there but the table
    /// does not add up.
    static func read(from file: ReadableFile) throws(ShardError) -> SeekTable? {
        guard file.size >= skippableHeaderSize + footerSize else { return nil }
        let footer = try file.read(count: footerSize, at: file.size - footerSize)
        guard load32(footer, 5) == seekableMagic else { return nil }
        let frameCount = Int(load32(footer, 0))
        let descriptor = footer[4]
        guard descriptor & 0x7C == 0 else {
            throw .corrupt(path: file.path, reason: "seek table descriptor has reserved bits set (0x\(String(descriptor, radix: 16)))")
        }
        let hasChecksums = descriptor & 0x80 != 0
        let entrySize = hasChecksums ? 12 : 8
        let (tableBytes, overflow) = frameCount.multipliedReportingOverflow(by: entrySize)
        let total = skippableHeaderSize + tableBytes + footerSize
        guard !overflow, total <= file.size else {
            throw .corrupt(path: file.path, reason: "seek table claims \(frameCount) frames, more than the file can hold")
        }
        let table = try file.read(count: total, at: file.size - total)
        guard load32(table, 0) & 0xFFFF_FFF0 == skippableMagic & 0xFFFF_FFF0 else {
            throw .corrupt(path: file.path, reason: "seek table is not inside a skippable frame")
        }
        guard Int(load32(table, 4)) == total - skippableHeaderSize else {
            throw .corrupt(path: file.path, reason: "seek table frame size \(load32(table, 4)) does not match \(frameCount) entries")
        }
        var result = SeekTable(entries: [], hasChecksums: hasChecksums)
        result.entries.reserveCapacity(frameCount)
        var compressedTotal = 0
        for index in 0..<frameCount {
            let offset = skippableHeaderSize + index * entrySize
            let entry = Entry(
                compressedSize: load32(table, offset),
                decompressedSize: load32(table, offset + 4),
                checksum: hasChecksums ? load32(table, offset + 8) : nil
            )
            compressedTotal += Int(entry.compressedSize)
            result.entries.append(entry)
        }
        guard compressedTotal == file.size - total else {
            throw .corrupt(path: file.path, reason: "seek table frames add up to \(compressedTotal) bytes but the file holds \(file.size - total) before the table")
        }
        return result
    }

    /// Byte offset of each frame, plus the end of the data (the table's start).
    var frameOffsets: [Int] {
        var offsets = [0]
        offsets.reserveCapacity(entries.count + 1)
        for entry in entries { offsets.append(offsets.last! + Int(entry.compressedSize)) }
        return offsets
    }

    private static func load32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
