/// Decides, for each prompt, which models answer it and under which principles: the seeded,
/// order-independent half of sampling (no I/O, so it is what the selection tests measure).
///
/// Every draw uses its own `SeededGenerator(seed:, promptID, purpose...)`, so a prompt's plan is
/// the same on any machine, in any order, after any resume, and adding a model to the pool
/// leaves the other models' selection keys unchanged.
package struct SamplePlanner: Sendable {
    package let seed: UInt64
    package let pool: ModelPoolConfiguration
    package let principles: PrinciplesConfiguration
    package let library: PrincipleLibrary

    /// The samples to ask for, in sample-index order.
    package func plan(promptID: String, source: String) -> [PlannedSample] {
        let mix = principles.mix(for: source, library: library)
        return slots(promptID: promptID).enumerated().map { index, slot in
            var principleDraw = SeededGenerator(seed: seed, promptID, "principle", String(index))
            var name = mix.choose(using: &principleDraw)
            // The config check guarantees every mix name is in the library; `none` always is.
            let principle = library[name] ?? .none
            name = principle.name
            var promptDraw = SeededGenerator(seed: seed, promptID, "system-prompt", String(index))
            let systemPrompt = principle.systemPrompts[Int.random(in: 0..<principle.systemPrompts.count, using: &promptDraw)]
            return PlannedSample(
                sampleIndex: index, model: slot.model, principle: name, systemPrompt: systemPrompt,
                seed: Self.requestSeed(runSeed: seed, promptID: promptID, sampleIndex: index), onPolicy: slot.onPolicy)
        }
    }

    /// The model of each sample, in sample-index order.
    package func slots(promptID: String) -> [(model: String, onPolicy: Bool)] {
        if let bestOfN = pool.bestOfN {
            return Array(repeating: (bestOfN.model, false), count: bestOfN.n)
        }
        var slots: [(model: String, onPolicy: Bool)] = []
        for model in selectModels(promptID: promptID) {
            slots += Array(repeating: (model, false), count: pool.samplesPerModel)
        }
        if let onPolicy = pool.onPolicy {
            var sideDraw = SeededGenerator(seed: seed, promptID, "policy-position")
            let position = Int.random(in: 0...slots.count, using: &sideDraw)
            slots.insert((onPolicy.policy, true), at: position)
        }
        return slots
    }

    /// The pool models chosen for `promptID`, in config order: all of them, or k drawn by weight
    /// without replacement (Efraimidis–Spirakis keys, one generator per model name).
    package func selectModels(promptID: String) -> [String] {
        let candidates = pool.selectableModels
        guard case .count(let k) = pool.select, k < candidates.count else { return candidates.map(\.name) }
        let keyed = candidates.enumerated().map { position, model in
            var draw = SeededGenerator(seed: seed, promptID, "model", model.name)
            return (position: position, name: model.name, key: WeightedChoice.key(weight: model.weight, using: &draw))
        }
        // Ties (astronomically rare) break by name so the order never depends on anything else.
        let chosen = keyed.sorted { $0.key != $1.key ? $0.key > $1.key : $0.name < $1.name }.prefix(k)
        return chosen.sorted { $0.position < $1.position }.map(\.name)
    }

    /// The seed sent with a sample's request: from the run seed, prompt id and sample index, in
    /// 0..<2^31 so every server (llama.cpp takes a 32-bit seed) accepts it.
    package static func requestSeed(runSeed: UInt64, promptID: String, sampleIndex: Int) -> Int {
        var draw = SeededGenerator(seed: runSeed, promptID, "request-seed", String(sampleIndex))
        return Int(draw.next() & 0x7FFF_FFFF)
    }
}
