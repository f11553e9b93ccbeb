import Testing
@testable import Prefab

/// Selection statistics and determinism of the seeded planner. Every draw is seeded, so these
/// statistical checks give the same numbers on every run: they cannot flake.
@Suite struct SamplePlannerTests {
    static let library = PrincipleLibrary([
        Principle(name: "helpfulness", systemPrompts: ["h0", "h1", "h2"]),
        Principle(name: "honesty", systemPrompts: ["o0", "o1"]),
        Principle(name: "verbalized_calibration", systemPrompts: ["v0"]),
    ])

    static func planner(
        weights: [Double], select: ModelSelection = .all, samplesPerModel: Int = 1, onPolicy: String? = nil,
        bestOfN: BestOfNSampling? = nil, mix: [String: PrincipleMix] = [:], seed: UInt64 = 11
    ) -> SamplePlanner {
        let models = weights.enumerated().map { PoolModel(name: "m\($0)", endpoint: "sim", weight: $1) }
            + (onPolicy.map { [PoolModel(name: $0, endpoint: "sim")] } ?? [])
        let pool = ModelPoolConfiguration(
            models: models, select: select, samplesPerModel: samplesPerModel,
            onPolicy: onPolicy.map(OnPolicySampling.init(policy:)), bestOfN: bestOfN)
        return SamplePlanner(seed: seed, pool: pool, principles: PrinciplesConfiguration(mix: mix), library: library)
    }

    static let promptIDs = (0..<12_000).map { "prompt-\($0)" }

    /// Pearson's chi-square statistic of observed counts against expected counts.
    static func chiSquare(_ observed: [Int], _ expected: [Double]) -> Double {
        zip(observed, expected).reduce(0) { $0 + pow2(Double($1.0) - $1.1) / $1.1 }
    }

    static func pow2(_ x: Double) -> Double { x * x }

    @Test func oneOfNIsChosenInProportionToWeight() {
        let planner = Self.planner(weights: [1, 2, 3], select: .count(1))
        var counts = [0, 0, 0]
        for id in Self.promptIDs {
            let chosen = planner.selectModels(promptID: id)
            #expect(chosen.count == 1)
            counts[Int(chosen[0].dropFirst())!] += 1
        }
        let n = Double(Self.promptIDs.count)
        // 2 degrees of freedom: 13.8 is the 0.1% critical value.
        #expect(Self.chiSquare(counts, [n / 6, n / 3, n / 2]) < 13.8, "\(counts)")
    }

    @Test func kOfNInclusionMatchesWeightedSamplingWithoutReplacement() {
        let weights: [Double] = [1, 2, 3, 4]
        let planner = Self.planner(weights: weights, select: .count(2))
        var counts = [0, 0, 0, 0]
        for id in Self.promptIDs {
            let chosen = planner.selectModels(promptID: id)
            #expect(chosen.count == 2)
            #expect(Set(chosen).count == 2)
            #expect(chosen == chosen.sorted(), "config order")
            for name in chosen { counts[Int(name.dropFirst())!] += 1 }
        }
        // Exact inclusion probability of successive sampling: first by weight, then the second
        // by weight among the rest.
        let total = weights.reduce(0, +)
        let n = Double(Self.promptIDs.count)
        for i in weights.indices {
            var p = weights[i] / total
            for j in weights.indices where j != i {
                p += weights[j] / total * weights[i] / (total - weights[j])
            }
            let sd = (n * p * (1 - p)).squareRoot()
            #expect(abs(Double(counts[i]) - n * p) < 4 * sd, "model \(i): \(counts[i]) vs \(n * p)")
        }
    }

    @Test func allSelectsEveryModelInConfigOrderWithSamplesPerModel() {
        let planner = Self.planner(weights: [1, 5, 1], samplesPerModel: 2)
        let plan = planner.plan(promptID: "p", source: "")
        #expect(plan.map(\.model) == ["m0", "m0", "m1", "m1", "m2", "m2"])
        #expect(plan.map(\.sampleIndex) == Array(0..<6))
        #expect(Set(plan.map(\.seed)).count == 6, "every sample has its own request seed")
    }

    @Test func principlesFollowTheSourcesMix() {
        let planner = Self.planner(
            weights: [1], bestOfN: BestOfNSampling(model: "m0", n: 4),
            mix: [
                "flan": PrincipleMix(["helpfulness": 0.8, "verbalized_calibration": 0.2]),
                "default": PrincipleMix(["helpfulness": 1, "honesty": 1]),
            ])
        var flan: [String: Int] = [:]
        var other: [String: Int] = [:]
        var helpfulPrompts: [String: Int] = [:]
        for id in Self.promptIDs.prefix(5_000) {
            for sample in planner.plan(promptID: id, source: "flan") {
                flan[sample.principle, default: 0] += 1
                if sample.principle == "helpfulness" { helpfulPrompts[sample.systemPrompt, default: 0] += 1 }
                #expect(Self.library[sample.principle]!.systemPrompts.contains(sample.systemPrompt))
            }
            for sample in planner.plan(promptID: id, source: "sharegpt") { other[sample.principle, default: 0] += 1 }
        }
        let n = 20_000.0
        #expect(Set(flan.keys) == ["helpfulness", "verbalized_calibration"])
        #expect(Self.chiSquare([flan["helpfulness"]!, flan["verbalized_calibration"]!], [0.8 * n, 0.2 * n]) < 10.8)
        #expect(Set(other.keys) == ["helpfulness", "honesty"])
        #expect(Self.chiSquare([other["helpfulness"]!, other["honesty"]!], [n / 2, n / 2]) < 10.8)
        let h = Double(flan["helpfulness"]!)
        #expect(Self.chiSquare(["h0", "h1", "h2"].map { helpfulPrompts[$0] ?? 0 }, [h / 3, h / 3, h / 3]) < 13.8)
    }

    @Test func theNonePrincipleSendsNoSystemPrompt() {
        let planner = Self.planner(weights: [1, 1], mix: ["default": PrincipleMix(["none": 1])])
        for sample in planner.plan(promptID: "p", source: "") {
            #expect(sample.principle == "none")
            #expect(sample.systemPrompt == "")
        }
    }

    @Test func plansDoNotDependOnPromptOrderOrOnThePlannerInstance() {
        let ids = Array(Self.promptIDs.prefix(300))
        let first = Self.planner(weights: [1, 2, 3, 4], select: .count(2), samplesPerModel: 2)
        let second = Self.planner(weights: [1, 2, 3, 4], select: .count(2), samplesPerModel: 2)
        var inOrder: [String: [PlannedSample]] = [:]
        for id in ids { inOrder[id] = first.plan(promptID: id, source: "x") }
        var generator = SeededGenerator(seed: 99, "shuffle")
        for id in ids.shuffled(using: &generator) {
            #expect(second.plan(promptID: id, source: "x") == inOrder[id])
        }
        let otherSeed = Self.planner(weights: [1, 2, 3, 4], select: .count(2), samplesPerModel: 2, seed: 12)
        let differing = ids.filter { otherSeed.plan(promptID: $0, source: "x") != inOrder[$0] }
        #expect(differing.count > 250, "another run seed gives other choices")
    }

    @Test func addingAModelKeepsTheOtherModelsRelativeChoices() {
        // Each model's selection key depends only on (seed, prompt, model name): with k = 1 a
        // prompt whose choice was m0 or m1 keeps it unless the new model outranks it.
        let before = Self.planner(weights: [1, 1], select: .count(1))
        let after = Self.planner(weights: [1, 1, 1], select: .count(1))
        for id in Self.promptIDs.prefix(500) {
            let choice = after.selectModels(promptID: id)[0]
            if choice != "m2" { #expect(before.selectModels(promptID: id) == [choice]) }
        }
    }

    @Test func onPolicyPutsExactlyOnePolicyAnswerAtARandomPosition() {
        let planner = Self.planner(weights: [1, 1, 1], select: .count(2), onPolicy: "policy")
        var positions = [0, 0, 0]
        for id in Self.promptIDs.prefix(6_000) {
            let plan = planner.plan(promptID: id, source: "")
            #expect(plan.count == 3)
            let policy = plan.filter(\.onPolicy)
            #expect(policy.count == 1)
            #expect(policy.first?.model == "policy")
            #expect(plan.filter { !$0.onPolicy }.allSatisfy { $0.model != "policy" })
            positions[policy[0].sampleIndex] += 1
        }
        #expect(Self.chiSquare(positions, [2_000, 2_000, 2_000]) < 13.8, "\(positions)")
    }

    @Test func bestOfNAsksOneModelNTimesWithDistinctSeeds() {
        let planner = Self.planner(weights: [1, 1], bestOfN: BestOfNSampling(model: "m1", n: 5))
        let plan = planner.plan(promptID: "p", source: "")
        #expect(plan.map(\.model) == Array(repeating: "m1", count: 5))
        #expect(plan.map(\.sampleIndex) == Array(0..<5))
        #expect(Set(plan.map(\.seed)).count == 5)
        #expect(plan.allSatisfy { (0..<(1 << 31)).contains($0.seed) })
    }

    @Test func requestSeedsDependOnlyOnRunSeedPromptAndSampleIndex() {
        #expect(
            SamplePlanner.requestSeed(runSeed: 1, promptID: "p", sampleIndex: 2)
                == SamplePlanner.requestSeed(runSeed: 1, promptID: "p", sampleIndex: 2))
        #expect(
            SamplePlanner.requestSeed(runSeed: 1, promptID: "p", sampleIndex: 2)
                != SamplePlanner.requestSeed(runSeed: 1, promptID: "p", sampleIndex: 3))
        #expect(
            SamplePlanner.requestSeed(runSeed: 1, promptID: "p", sampleIndex: 2)
                != SamplePlanner.requestSeed(runSeed: 2, promptID: "p", sampleIndex: 2))
    }
}
