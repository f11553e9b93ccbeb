import Testing
@testable import Prefab

@Suite struct DatasetSplitTests {
    @Test func aPromptAlwaysLandsOnTheSameSide() throws {
        let split = try DatasetSplit(testRatio: 0.2)
        for i in 0..<100 {
            let id = "prompt-\(i)"
            #expect(split.side(of: id) == split.side(of: id))
            #expect(try DatasetSplit(testRatio: 0.2).side(of: id) == split.side(of: id))
        }
    }

    @Test func theTestShareIsCloseToTheRatio() throws {
        let split = try DatasetSplit(testRatio: 0.1)
        let test = (0..<10_000).filter { split.side(of: "id\($0)") == .test }.count
        #expect(test > 900 && test < 1100)
    }

    @Test func zeroRatioPutsEverythingInTrain() throws {
        let split = try DatasetSplit(testRatio: 0)
        #expect((0..<100).allSatisfy { split.side(of: "x\($0)") == .train })
    }

    @Test func ratiosOutsideTheUnitIntervalAreRejected() {
        #expect(throws: PairingError.self) { try DatasetSplit(testRatio: 1) }
        #expect(throws: PairingError.self) { try DatasetSplit(testRatio: -0.1) }
    }
}
