import Foundation
import PrefabTestSupport
import Testing
@testable import PrefabShards

@Suite struct JSONValidatorTests {
    static func validates(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in (try? JSONValidator.validateObject(raw)) != nil }
    }

    static func parsesAsObject(_ bytes: [UInt8]) -> Bool {
        (try? JSONObject(parsing: bytes)) != nil
    }

    @Test func validatorAgreesWithTheParserOnMutatedRecords() {
        let seeds = Fixtures.records(count: 40).map { $0.serializedBytes() }
            + [Array(#"{"a":[1,-2.5e3,true,false,null,"\u00e9\ud83d\ude00\n"],"b":{"c":{}}}"#.utf8)]
        var generator = SplitMix64(seed: TestSeed.value)
        let interesting: [UInt8] = [0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x00, 0x1F, 0x80, 0xC3, 0xE2, 0xF0, 0xFF, 0x30, 0x2D, 0x65, 0x75, 0x20]
        var disagreements: [String] = []
        for seed in seeds {
            #expect(Self.validates(seed))
            for _ in 0..<300 {
                var bytes = seed
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: bytes[index] = interesting.randomElement(using: &generator)!
                    case 1: bytes.remove(at: index)
                    default: bytes.insert(interesting.randomElement(using: &generator)!, at: index)
                    }
                    if bytes.isEmpty { break }
                }
                if Self.validates(bytes) != Self.parsesAsObject(bytes) {
                    disagreements.append(String(decoding: bytes, as: UTF8.self))
                }
            }
        }
        #expect(disagreements.isEmpty, "validator and parser disagree on: \(disagreements.prefix(3))")
    }

    @Test func topLevelMustBeAnObject() {
        #expect(!Self.validates(Array("[1]".utf8)))
        #expect(!Self.validates(Array("\"x\"".utf8)))
        #expect(Self.validates(Array(" {} ".utf8)))
    }

    @Test func overlongAndSurrogateUTF8AreRejected() {
        #expect(!Self.validates([0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D]))
        #expect(!Self.validates([0x7B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x3A, 0x31, 0x7D]))
        #expect(Self.validates([0x7B, 0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22, 0x3A, 0x31, 0x7D]))
    }
}
