import Foundation

/// The `hygiene:` block of a run config (and what `prefab prompts` flags fill): what is removed
/// from the prompts before anything is sampled.
///
/// ```yaml
/// hygiene:
///   dedup: true                 # or false, or the mapping below
///   # dedup: {exact: true, near: true, ngram: 3, permutations: 128, threshold: 0.8, bands: 9, seed: 0}
///   decontaminate:              # evaluation sets; any prompt input Prefab reads
///     - evals/gsm8k.jsonl       # its prompt / messages field
///     - {path: evals/mmlu.jsonl.zst, field: question}
///   contamination: {ngram: 8, threshold: 0.5}   # Tülu 3's rule
/// ```
///
/// Every key has a default chosen in `docs/hygiene.md`, where the false-positive and
/// false-negative rates they imply are worked out.
public struct HygieneConfiguration: Codable, Hashable, Sendable {
    public var dedup: Dedup?
    public var decontaminate: [EvalSource]
    public var contamination: Contamination

    public init(dedup: Dedup? = Dedup(), decontaminate: [EvalSource] = [], contamination: Contamination = Contamination()) {
        self.dedup = dedup
        self.decontaminate = decontaminate
        self.contamination = contamination
    }

    /// Duplicate removal: exact (normalised text) and near (MinHash LSH over word n-grams).
    public struct Dedup: Codable, Hashable, Sendable {
        public var exact = true
        public var near = true
        /// Words per shingle (characters, in scripts without spaces).
        public var ngram = 3
        public var permutations = 128
        /// The Jaccard similarity the banding is tuned for.
        public var threshold = 0.8
        /// Bands of `permutations / bands` rows; nil to derive them from `threshold`.
        public var bands: Int?
        public var seed: UInt64 = 0

        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case exact, near, ngram, permutations, threshold, bands, seed
        }

        public init(from decoder: any Decoder) throws {
            if let single = try? decoder.singleValueContainer(), let on = try? single.decode(Bool.self) {
                self.init()
                exact = on
                near = on
                return
            }
            self.init()
            let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
            exact = try c.decodeIfPresent(Bool.self, forKey: .exact) ?? true
            near = try c.decodeIfPresent(Bool.self, forKey: .near) ?? true
            ngram = try c.decodeIfPresent(Int.self, forKey: .ngram) ?? 3
            permutations = try c.decodeIfPresent(Int.self, forKey: .permutations) ?? 128
            threshold = try c.decodeIfPresent(Double.self, forKey: .threshold) ?? 0.8
            bands = try c.decodeIfPresent(Int.self, forKey: .bands)
            seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0
            if let problem = problem {
                throw DecodingError.dataCorruptedError(forKey: problem.key, in: c, debugDescription: problem.message)
            }
        }

        /// What is wrong with the numbers, for decoding and for the CLI's flags alike.
        var problem: (key: CodingKeys, message: String)? {
            if !(1...32).contains(ngram) { return (.ngram, "ngram must be between 1 and 32, got \(ngram)") }
            if !(1...1024).contains(permutations) { return (.permutations, "permutations must be between 1 and 1024, got \(permutations)") }
            if !(threshold > 0 && threshold <= 1) { return (.threshold, "threshold must be a Jaccard similarity in (0, 1], got \(threshold)") }
            if let bands, !(1...permutations).contains(bands) {
                return (.bands, "bands must be between 1 and permutations (\(permutations)), got \(bands)")
            }
            return nil
        }

        /// The banding in use: `bands` as given, else the one `threshold` implies.
        package var banding: (bands: Int, rows: Int) {
            if let bands { return (bands, permutations / bands) }
            return MinHashLSH.optimalBanding(threshold: threshold, permutations: permutations)
        }
    }

    /// One evaluation set: a path (relative to the config file) and the field holding the text;
    /// nil reads it as prompts (`prompt`, or every `messages[].content`).
    public struct EvalSource: Codable, Hashable, Sendable {
        public var path: String
        public var field: String?

        public init(path: String, field: String? = nil) {
            self.path = path
            self.field = field
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case path, field
        }

        public init(from decoder: any Decoder) throws {
            if let path = decoder.bareString() {
                self.init(path: path)
                return
            }
            let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
            self.init(path: try c.decode(String.self, forKey: .path), field: try c.decodeIfPresent(String.self, forKey: .field))
        }
    }

    /// When a prompt counts as contaminated: more than `threshold` of an evaluation item's tokens
    /// lie in `ngram`-grams the prompt shares with that item (Tülu 3: 8-grams, 0.5).
    public struct Contamination: Codable, Hashable, Sendable {
        public var ngram = 8
        public var threshold = 0.5

        public init(ngram: Int = 8, threshold: Double = 0.5) {
            self.ngram = ngram
            self.threshold = threshold
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case ngram, threshold
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
            ngram = try c.decodeIfPresent(Int.self, forKey: .ngram) ?? 8
            threshold = try c.decodeIfPresent(Double.self, forKey: .threshold) ?? 0.5
            if !(1...64).contains(ngram) {
                throw DecodingError.dataCorruptedError(forKey: .ngram, in: c, debugDescription: "ngram must be between 1 and 64, got \(ngram)")
            }
            if !(threshold >= 0 && threshold < 1) {
                throw DecodingError.dataCorruptedError(
                    forKey: .threshold, in: c, debugDescription: "threshold is a share of an evaluation item's tokens in [0, 1), got \(threshold)")
            }
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dedup, decontaminate, contamination
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        let dedup = try c.decodeIfPresent(Dedup.self, forKey: .dedup)
        self.init(
            dedup: dedup.flatMap { $0.exact || $0.near ? $0 : nil },
            decontaminate: try c.decodeIfPresent([EvalSource].self, forKey: .decontaminate) ?? [],
            contamination: try c.decodeIfPresent(Contamination.self, forKey: .contamination) ?? Contamination())
    }

    /// Whether anything would be removed at all.
    public var isActive: Bool { dedup != nil || !decontaminate.isEmpty }
}
