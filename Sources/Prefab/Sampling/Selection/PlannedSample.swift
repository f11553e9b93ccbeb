/// One answer the sampler will ask for: which model, under which principle and system prompt,
/// with which sample index and request seed. A prompt's plan depends only on the run seed, the
/// prompt id, its source and the config, so a resumed run asks for exactly the same samples.
package struct PlannedSample: Hashable, Sendable {
    package var sampleIndex: Int
    /// The pool model's name.
    package var model: String
    package var principle: String
    /// "" for the `none` principle.
    package var systemPrompt: String
    package var seed: Int
    package var onPolicy: Bool

    package init(sampleIndex: Int, model: String, principle: String, systemPrompt: String, seed: Int, onPolicy: Bool = false) {
        self.sampleIndex = sampleIndex
        self.model = model
        self.principle = principle
        self.systemPrompt = systemPrompt
        self.seed = seed
        self.onPolicy = onPolicy
    }
}
