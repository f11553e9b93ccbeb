/// The `pairing:` block of a run config: how rated records become training rows. The same
/// choices as `prefab pairs`' options, spelled in YAML.
///
/// ```yaml
/// pairing:
///   strategy: best-vs-random     # best-vs-random, best-vs-worst, all-pairs, best-of-n
///   format: h4                   # h4, trl, trl-standard, kto, kto-standard, rm, sft
///   score: fine-grained          # fine-grained, overall, aspect:NAME, weighted:A=W,B=W, score:JUDGE
///   min_margin: 0
///   test_ratio: 0.1
///   missing: skip                # or drop-prompt
///   kto: {desirable: 4, undesirable: 2}
///   min_score: 3                 # best-of-n only
///   compression: zstd            # none, zstd or zstd:N
/// ```
///
/// Values are kept as written and parsed by `resolve()`, so a bad value is reported with the
/// line of its key (`RunSetup` does that) rather than as a bare decoding error.
public struct RunPairingConfiguration: Codable, Hashable, Sendable {
    public struct KTOThresholds: Codable, Hashable, Sendable {
        public var desirable: Double
        public var undesirable: Double

        public init(desirable: Double, undesirable: Double) {
            self.desirable = desirable
            self.undesirable = undesirable
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case desirable, undesirable
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
            desirable = try c.decode(Double.self, forKey: .desirable)
            undesirable = try c.decode(Double.self, forKey: .undesirable)
        }
    }

    public var strategy: String = PairingStrategy.bestVsRandom.rawValue
    public var format: String = PairFormat.h4.rawValue
    public var score: String = "fine-grained"
    public var minMargin: Double = 0
    public var testRatio: Double = 0
    public var missing: String = MissingScorePolicy.skipCompletion.rawValue
    public var kto: KTOThresholds?
    public var minScore: Double?
    public var compression: String = "zstd"

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case strategy, format, score
        case minMargin = "min_margin"
        case testRatio = "test_ratio"
        case missing, kto
        case minScore = "min_score"
        case compression
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        strategy = try c.decodeIfPresent(String.self, forKey: .strategy) ?? strategy
        format = try c.decodeIfPresent(String.self, forKey: .format) ?? format
        score = try c.decodeIfPresent(String.self, forKey: .score) ?? score
        minMargin = try c.decodeIfPresent(Double.self, forKey: .minMargin) ?? minMargin
        testRatio = try c.decodeIfPresent(Double.self, forKey: .testRatio) ?? testRatio
        missing = try c.decodeIfPresent(String.self, forKey: .missing) ?? missing
        kto = try c.decodeIfPresent(KTOThresholds.self, forKey: .kto)
        minScore = try c.decodeIfPresent(Double.self, forKey: .minScore)
        compression = try c.decodeIfPresent(String.self, forKey: .compression) ?? compression
    }

    /// A value that does not parse: its key in the block and why.
    public struct Problem: Error, Sendable {
        public var key: String
        public var message: String
    }

    /// The pairing stage this block describes, or the key whose value is wrong and why.
    public func resolve(seed: UInt64) -> Result<PairStage, Problem> {
        let strategy: PairingStrategy
        let format: PairFormat
        let score: ScoreSource
        let split: DatasetSplit
        let compression: Compression
        do { strategy = try PairingStrategy(parsing: self.strategy) } catch { return .failure(Problem(key: "strategy", message: error.description)) }
        do { format = try PairFormat(parsing: self.format) } catch { return .failure(Problem(key: "format", message: error.description)) }
        do { score = try ScoreSource(parsing: self.score) } catch { return .failure(Problem(key: "score", message: error.description)) }
        guard let missing = MissingScorePolicy(rawValue: missing) else {
            return .failure(Problem(key: "missing", message: "unknown value '\(missing)'; expected skip or drop-prompt"))
        }
        do { split = try DatasetSplit(testRatio: testRatio) } catch { return .failure(Problem(key: "test_ratio", message: error.description)) }
        do { compression = try Compression(parsing: self.compression) } catch {
            return .failure(Problem(key: "compression", message: "\(error)"))
        }
        let labeling: KTOLabeling = kto.map { .thresholds(desirable: $0.desirable, undesirable: $0.undesirable) } ?? .fromPairs
        let builder: PairRowBuilder
        do { builder = try PairRowBuilder(format: format, strategy: strategy, kto: labeling, score: score) } catch {
            // KTO from all-pairs is fixed at the strategy (or by adding `kto:` thresholds).
            let key = if case .ktoLabelsFromAllPairs = error { "strategy" } else { kto == nil ? "format" : "kto" }
            return .failure(Problem(key: key, message: error.description))
        }
        let options = PairingOptions(
            strategy: strategy, score: score, minMargin: minMargin, missingScores: missing, minScore: minScore, seed: seed)
        return .success(PairStage(options: options, builder: builder, split: split, compression: compression))
    }
}
