import Foundation
import Testing
@testable import Prefab

@Suite struct DiversityLexicalTests {
    @Test func tokenizerLowercasesAndSplitsOnAnythingButLettersNumbersAndMarks() {
        #expect(DiversityTokenizer.tokens("Hello, WORLD! Ça va? naïve 3.14 don't 東京。") ==
                ["hello", "world", "ça", "va", "naïve", "3", "14", "don", "t", "東京"])
        // A decomposed accent (e + U+0301) stays inside its word.
        #expect(DiversityTokenizer.tokens("CAFE\u{301} au lait") == ["cafe\u{301}", "au", "lait"])
        #expect(DiversityTokenizer.tokens("  ... 🙂 ") == [])
    }

    @Test func distinctNCountsUniqueOverTotalNGramsAcrossTheCorpus() {
        let result = DistinctN(documents: ["The cat sat.", "the CAT ran"])
        // 1-grams: the cat sat the cat ran → 4 of 6; 2-grams: 3 of 4; 3-grams: 2 of 2; none longer.
        #expect(result.uniqueCounts == [4, 3, 2, 0, 0])
        #expect(result.totalCounts == [6, 4, 2, 0, 0])
        #expect(result.values == [4.0 / 6, 0.75, 1, 0, 0])
        #expect(abs(result.sum - (4.0 / 6 + 0.75 + 1)) < 1e-12)
    }

    @Test func distinctNNeverJoinsTheEndOfOneDocumentToTheNextStart() {
        // Within documents there is no bigram "b c"; across the boundary there would be.
        let result = DistinctN(documents: ["a b", "c d"], maxN: 2)
        #expect(result.totalCounts == [4, 2])
        #expect(result.values == [1, 1])
    }

    @Test func selfRepetitionSumsHowManyOtherDocumentsShareEachUnique4Gram() {
        let documents = ["a b c d e", "a b c d x", "q r s t", "a b c d e"]
        // Document frequencies: abcd 3, bcde 2, bcdx 1, qrst 1.
        // Per document: log(1 + 2 + 1), log(1 + 2 + 0), log(1 + 0), log(1 + 2 + 1).
        let expected = (log(4.0) + log(3.0) + 0 + log(4.0)) / 4
        let result = SelfRepetition(documents: documents)
        #expect(abs(result.score - expected) < 1e-12)
        #expect(result.documents == 4)
        #expect(result.n == 4)
    }

    @Test func selfRepetitionCountsARepeated4GramOnceWithinItsDocument() {
        // "a b c d" occurs twice in the first document but is one unique 4-gram, shared with one
        // other document: log(1 + 1) for both documents.
        let result = SelfRepetition(documents: ["a b c d a b c d", "a b c d"])
        #expect(abs(result.score - log(2.0)) < 1e-12)
    }

    @Test func selfRepetitionIsZeroWhenNoDocumentSharesA4Gram() {
        #expect(SelfRepetition(documents: ["one two three four", "five six seven eight", "short"]).score == 0)
    }

    @Test func compressionRatioMatchesTheZstdCommandLineOnTheSameBytes() throws {
        let documents = (0..<200).map { "Response \($0 % 7): the same sentence, again and again, number \($0)." }
        let result = try CompressionRatio(documents: documents, level: 3)
        let raw = Data(documents.map { $0 + "\n" }.joined().utf8)
        #expect(result.rawBytes == raw.count)
        #expect(result.ratio == Double(result.rawBytes) / Double(result.compressedBytes))

        // Outside check: the zstd CLI without its optional checksum writes the same frame.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefab-diversity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("corpus.txt")
        try raw.write(to: input)
        let zstd = try #require(["/usr/bin/zstd", "/usr/local/bin/zstd", "/opt/homebrew/bin/zstd"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }, "the zstd CLI (scripts/bootstrap installs it)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: zstd)
        process.arguments = ["-3", "-q", "--no-check", "-c", input.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let compressed = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(compressed.count == result.compressedBytes)
    }

    @Test func compressionRatioIsHigherForRepeatedText() throws {
        let repeated = Array(repeating: "I am happy to help with that question today.", count: 300)
        var random = DiversityRandomSource(seed: 9)
        let varied = (0..<300).map { _ in (0..<8).map { _ in String(random.next() % 100_000, radix: 36) }.joined(separator: " ") }
        #expect(try CompressionRatio(documents: repeated).ratio > 5 * CompressionRatio(documents: varied).ratio)
    }

    @Test func rougeLF1ComesFromTheLongestCommonSubsequence() {
        // LCS 5 ("the cat on the mat"): P = 5/6, R = 5/5, F1 = 10/11.
        #expect(abs(RougeL.f1("the cat sat on the mat", "the cat on the mat") - 10.0 / 11) < 1e-12)
        #expect(abs(RougeL.f1("the cat on the mat", "the cat sat on the mat") - 10.0 / 11) < 1e-12)
        // LCS 2 of 4 and 4: F1 = 0.5.
        #expect(RougeL.f1("a b c d", "b d a c") == 0.5)
        #expect(RougeL.f1("Same words!", "same WORDS") == 1)
        #expect(RougeL.f1("one two", "three four") == 0)
        #expect(RougeL.f1("", "") == 0)
    }

    @Test func homogenizationIsTheMeanPairwiseRougeL() {
        // Pairs: (1,2) LCS "a b" → F1 2/3; (1,3) and (2,3) share nothing → mean 2/9.
        let result = Homogenization(documents: ["a b c", "a b d", "x y z"], sampleSize: 10)
        #expect(result.sampleSize == 3)
        #expect(result.pairs == 3)
        #expect(abs(result.score - 2.0 / 9) < 1e-12)
    }

    @Test func homogenizationSamplesTheSameDocumentsForTheSameSeed() {
        let documents = (0..<60).map { "doc \($0) " + String(repeating: "w\($0 % 5) ", count: $0 % 7 + 1) }
        let first = Homogenization(documents: documents, sampleSize: 12, seed: 4)
        let again = Homogenization(documents: documents, sampleSize: 12, seed: 4)
        #expect(first == again)
        #expect(first.pairs == 66)
        let other = (0..<5).map { Homogenization(documents: documents, sampleSize: 12, seed: UInt64(10 + $0)).score }
        #expect(other.contains { $0 != first.score })
    }

    @Test func seededSamplingDrawsDistinctIndicesReproducibly() {
        var a = DiversityRandomSource(seed: 1, stream: 3, 4)
        var b = DiversityRandomSource(seed: 1, stream: 3, 4)
        let drawn = a.sample(10, from: 25)
        #expect(drawn == b.sample(10, from: 25))
        #expect(Set(drawn).count == 10)
        #expect(drawn.allSatisfy { (0..<25).contains($0) })
        var c = DiversityRandomSource(seed: 1, stream: 3, 5)
        #expect(c.sample(10, from: 25) != drawn)
        #expect(Set(a.sample(40, from: 25)) == Set(0..<25))
    }
}
