/// How the simulator counts tokens: a token is a maximal run of non-whitespace characters
/// (a "word"), so `usage` numbers are easy to predict in tests.
///
/// `max_tokens` cuts an answer after that many words; for a JSON answer the cut lands wherever
/// the word boundary falls, leaving invalid JSON behind, as a real server's cut does.
enum SimulatedTokenizer {
    /// Byte ranges of the tokens of `text`. Each range starts at the whitespace before its word,
    /// so the tokens concatenate back to the text (the way real tokenizers carry leading spaces).
    static func tokenRanges(_ utf8: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        var index = 0
        let count = utf8.count
        while index < count {
            while index < count, isSpace(utf8[index]) { index += 1 }
            guard index < count else { break }
            while index < count, !isSpace(utf8[index]) { index += 1 }
            ranges.append(start..<index)
            start = index
        }
        return ranges
    }

    /// Number of tokens in `text`.
    static func count(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { utf8 in
            var tokens = 0
            var inWord = false
            for byte in utf8 {
                if isSpace(byte) {
                    inWord = false
                } else if !inWord {
                    inWord = true
                    tokens += 1
                }
            }
            return tokens
        }
    }

    /// The first `limit` tokens of `text`, and whether anything was cut.
    static func prefix(_ text: String, tokens limit: Int) -> (text: String, truncated: Bool) {
        var text = text
        return text.withUTF8 { utf8 in
            let ranges = tokenRanges(utf8)
            guard ranges.count > limit else { return (String(decoding: utf8, as: UTF8.self), false) }
            let end = limit > 0 ? ranges[limit - 1].upperBound : 0
            return (String(decoding: UnsafeBufferPointer(rebasing: utf8[0..<end]), as: UTF8.self), true)
        }
    }

    /// The tokens of `text` as strings (with their leading whitespace).
    static func tokens(_ text: String) -> [String] {
        var text = text
        return text.withUTF8 { utf8 in
            tokenRanges(utf8).map { String(decoding: UnsafeBufferPointer(rebasing: utf8[$0]), as: UTF8.self) }
        }
    }

    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }
}
