import Foundation
import PrefabShards
import PrefabTestSupport

/// The seed randomized tests give `SplitMix64`: fixed, so they check the same cases on every run
/// and a failure reproduces. `PREFAB_TEST_SEED=N swift test` explores other cases.
enum TestSeed {
    static let value: UInt64 = ProcessInfo.processInfo.environment["PREFAB_TEST_SEED"].flatMap { UInt64($0) } ?? 0x5EED_2026
}
