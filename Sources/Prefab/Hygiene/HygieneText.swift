import Foundation
import PrefabShards

/// How prompt hygiene sees a text: normalised once, then hashed as a whole (exact duplicates) and
/// as a list of token hashes (near duplicates, contamination).
///
/// Normalisation is Unicode NFKC (so full-width letters, ligatures and compatibility forms read
/// as their plain letters), then Unicode default lowercasing, then every run of whitespace made
/// one space and the ends trimmed. Two prompts are exact duplicates when their normalised texts
/// are byte-equal (compared by a 64-bit XXH64: at a million prompts, the chance that any two
/// distinct texts collide is about 3 × 10⁻⁸).
///
/// Tokens are maximal runs of letters, digits and combining marks; punctuation and symbols
/// separate them and are dropped. Scripts written without spaces between words (Han, Hiragana,
/// Katakana, Thai, Lao, Khmer, Myanmar, Tibetan) give one token per character, so their n-grams
/// are character n-grams: otherwise a whole Chinese sentence would be a single "word".
package struct HygieneText {
    /// XXH64 of the normalised text.
    package var exactKey: UInt64
    /// XXH64 of each token's UTF-8, in order.
    package var tokens: [UInt64]

    package init(_ text: String) {
        let normalised = Self.needsCompatibilityMapping(text)
            ? text.precomposedStringWithCompatibilityMapping.lowercased() : text.lowercased()
        var whole: [UInt8] = []
        whole.reserveCapacity(normalised.utf8.count)
        var token: [UInt8] = []
        var tokens: [UInt64] = []
        var pendingSpace = false
        func flush() {
            guard !token.isEmpty else { return }
            tokens.append(token.withUnsafeBytes { XXH64.hash($0) })
            token.removeAll(keepingCapacity: true)
        }
        for scalar in normalised.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                let byte = UInt8(value)
                switch byte {
                case 0x09...0x0D, 0x20:
                    flush()
                    pendingSpace = !whole.isEmpty
                    continue
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    token.append(byte)
                default:
                    flush()
                }
                if pendingSpace { whole.append(0x20); pendingSpace = false }
                whole.append(byte)
                continue
            }
            let properties = scalar.properties
            if properties.isWhitespace {
                flush()
                pendingSpace = !whole.isEmpty
                continue
            }
            if pendingSpace { whole.append(0x20); pendingSpace = false }
            let start = whole.count
            whole.append(contentsOf: String(scalar).utf8)
            if Self.isUnspacedScript(value) {
                flush()
                token.append(contentsOf: whole[start...])
                flush()
            } else if properties.isAlphabetic || properties.numericType != nil || Self.isMark(properties.generalCategory) {
                token.append(contentsOf: whole[start...])
            } else {
                flush()
            }
        }
        flush()
        exactKey = whole.withUnsafeBytes { XXH64.hash($0) }
        self.tokens = tokens
    }

    /// The text's n-gram hashes, each n consecutive token hashes folded in order, without
    /// repeats. A text of fewer than `n` (but at least one) tokens gives one gram of all of them,
    /// so short prompts still take part.
    package static func grams(_ tokens: [UInt64], n: Int) -> [UInt64] {
        guard !tokens.isEmpty else { return [] }
        let size = min(n, tokens.count)
        var grams: [UInt64] = []
        grams.reserveCapacity(tokens.count - size + 1)
        for start in 0...(tokens.count - size) {
            grams.append(gram(tokens, start: start, size: size))
        }
        return grams
    }

    /// One n-gram's hash: order matters ("a b" and "b a" differ), and the length is mixed in so
    /// that a short text's whole-text gram never equals an n-gram.
    @inline(__always)
    package static func gram(_ tokens: [UInt64], start: Int, size: Int) -> UInt64 {
        var hash = SplitMix64.mix(UInt64(size))
        for index in start..<(start + size) {
            hash = SplitMix64.mix(hash ^ tokens[index]) &+ 0x9E37_79B9_7F4A_7C15
        }
        return hash
    }

    /// ASCII text is its own NFKC form; skipping the mapping there keeps the common case fast.
    private static func needsCompatibilityMapping(_ text: String) -> Bool {
        !text.utf8.allSatisfy { $0 < 0x80 }
    }

    private static func isMark(_ category: Unicode.GeneralCategory) -> Bool {
        switch category {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    /// Scripts whose writing puts no spaces between words.
    package static func isUnspacedScript(_ value: UInt32) -> Bool {
        switch value {
        case 0x0E00...0x0EFF,  // Thai, Lao
            0x0F00...0x0FFF,  // Tibetan
            0x1000...0x109F,  // Myanmar
            0x1780...0x17FF,  // Khmer
            0x3040...0x30FF, 0x31F0...0x31FF,  // Hiragana, Katakana
            0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF,  // CJK ideographs
            0xFF66...0xFF9F,  // half-width Katakana (NFKC maps most of these already)
            0x20000...0x323AF:  // CJK extensions B-H
            true
        default: false
        }
    }
}
