/// A uniform random sample of at most `capacity` texts from a stream of any length (reservoir
/// sampling, seeded), so the report's diversity figures cost the same memory for 10,000 prompts
/// as for 10 million. Below the capacity every text is kept, in order.
struct RunReportTextSample {
    let capacity: Int
    private(set) var texts: [String] = []
    /// Texts offered so far.
    private(set) var seen = 0
    private var generator: SeededGenerator

    init(capacity: Int, seed: UInt64 = 0, label: String) {
        self.capacity = max(2, capacity)
        generator = SeededGenerator(seed: seed, label, "report-sample")
    }

    mutating func add(_ text: String) {
        seen += 1
        if texts.count < capacity {
            texts.append(text)
            return
        }
        let slot = Int(generator.next() % UInt64(seen))
        if slot < capacity { texts[slot] = text }
    }

    /// Whether the figures are over a sample rather than every text.
    var isSampled: Bool { seen > texts.count }
}
