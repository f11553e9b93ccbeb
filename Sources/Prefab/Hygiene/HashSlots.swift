import PrefabShards

/// An open-addressing hash table from 64-bit hashes to a 32-bit value and a 32-bit payload,
/// linear probing, grown by doubling at 70% load.
///
/// Why not `Dictionary`: hygiene keeps one entry per prompt per LSH band and one per evaluation
/// n-gram, millions of them; a `Dictionary<UInt64, …>` costs several times the 16 bytes a slot
/// costs here (key 8, value 4, payload 4), and its per-process seeded hashing buys nothing for
/// keys that are already hashes. Memory is 16 bytes × capacity, capacity the smallest power of
/// two above count / 0.7: between 23 and 46 bytes an entry.
package struct HashSlots {
    private var keys: [UInt64]
    private var values: [UInt32]
    private var payloads: [UInt32]
    private var mask: Int
    package private(set) var count = 0

    package init(capacity: Int = 1024) {
        var size = 16
        while size < capacity { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: 0, count: size)
        payloads = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// Bytes the slots take.
    package var bytes: Int { keys.count * 16 }

    /// 0 marks an empty slot, so a key of 0 is stored as 1 (a 2⁻⁶⁴ chance of merging two keys).
    @inline(__always)
    private static func stored(_ key: UInt64) -> UInt64 { key == 0 ? 1 : key }

    /// The value and payload under `key`, if any.
    @inline(__always)
    package func find(_ key: UInt64) -> (value: UInt32, payload: UInt32)? {
        let key = Self.stored(key)
        var slot = Int(truncatingIfNeeded: SplitMix64.mix(key)) & mask
        return keys.withUnsafeBufferPointer { keys in
            while true {
                let found = keys[slot]
                if found == key { return (values[slot], payloads[slot]) }
                if found == 0 { return nil }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Stores `value` under `key` unless the key is there already: the first insert wins, which
    /// is what "keep the first in input order" needs. Returns whether it was stored.
    @discardableResult
    package mutating func insertIfAbsent(_ key: UInt64, value: UInt32, payload: UInt32 = 0) -> Bool {
        if (count + 1) * 10 > keys.count * 7 { grow() }
        let key = Self.stored(key)
        var slot = Int(truncatingIfNeeded: SplitMix64.mix(key)) & mask
        while true {
            let found = keys[slot]
            if found == key { return false }
            if found == 0 { break }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        values[slot] = value
        payloads[slot] = payload
        count += 1
        return true
    }

    private mutating func grow() {
        let old = (keys, values, payloads)
        let size = keys.count * 2
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: 0, count: size)
        payloads = Array(repeating: 0, count: size)
        mask = size - 1
        for index in old.0.indices where old.0[index] != 0 {
            var slot = Int(truncatingIfNeeded: SplitMix64.mix(old.0[index])) & mask
            while keys[slot] != 0 { slot = (slot + 1) & mask }
            keys[slot] = old.0[index]
            values[slot] = old.1[index]
            payloads[slot] = old.2[index]
        }
    }
}
