import Foundation
import PrefabShards

/// Everything `prefab run` needs, from one YAML file: the sampling blocks (`seed`, `prompts`,
/// `output`, `endpoints`, `pool`, `principles`, as `prefab sample` reads them) plus the later
/// stages'.
///
/// ```yaml
/// judges: ../judges/ultrafeedback.yaml   # the ensemble file; its endpoint names are this file's
/// pairing: {format: h4, test_ratio: 0.2} # RunPairingConfiguration
/// budget: {max_requests: 10000, max_tokens: 5000000, max_cost: 20}
/// cache: ../.prefab/cache.sqlite         # default $PREFAB_HOME/cache.sqlite
/// journal: /shared/journals/             # default $PREFAB_HOME/runs/ (docs/scale-out.md)
/// window: 512                            # optional: most prompts held at once (default from the endpoints' slots)
/// shard_size: 64MiB                      # where stage shards are cut (default 8MiB)
/// diversity: {...}                       # RunDiversityConfiguration (the report's metrics)
/// hygiene: {dedup: true, decontaminate: [evals/gsm8k.jsonl]}  # HygieneConfiguration, before sampling
/// storage: {sse: aws:kms}                # StorageConfiguration, for an s3:// output
/// ```
///
/// Decoding checks shapes and unknown keys; `RunSetup` then checks files and names, so every
/// mistake is reported with its line before anything is paid for.
public struct RunConfiguration: Codable, Hashable, Sendable {
    public var sampling: SamplingConfiguration
    /// The judge ensemble file, as written (relative to the config file).
    public var judges: String
    public var pairing: RunPairingConfiguration
    /// Spending ceiling for the whole run, across resumed sessions.
    public var budget: Budget
    /// How a partitioned run shares `budget` among its partitions.
    public var budgetSplit: BudgetSplit = .even
    /// Where the run journal lives, as written: a `.sqlite` file, or a directory for the
    /// journals of the run's partitions; nil for the default place.
    public var journal: String?
    /// The response cache, as written; nil for the default place.
    public var cache: String?
    /// The most prompts running at once, a bound on memory; nil: derived from the endpoints'
    /// call slots. Either way a prompt starts only when the pool's endpoints have a free call
    /// slot (`CallSlots`), so the endpoints' `max_concurrent`, not this, sets the pace.
    public var window: Int?
    public var diversity: RunDiversityConfiguration?
    /// Prompt hygiene applied before sampling; nil for none.
    public var hygiene: HygieneConfiguration?
    /// Uncompressed bytes per stage shard (JSONL.zst and MDS alike).
    public var shardSize: Int
    /// How an `s3://` output is written (server-side encryption); nil for the defaults.
    public var storage: StorageConfiguration?

    /// Small enough that a writer's current shard (its compressed form stays in memory until
    /// the shard closes) costs a few MB; MosaicML Streaming and HF `datasets` read any size.
    public static let defaultShardSize = 8 << 20
    /// MDS sample offsets are 32-bit.
    static let shardSizes = 4096...(Int(UInt32.max) / 2)

    enum CodingKeys: String, CodingKey, CaseIterable {
        case seed, prompts, output, endpoints, pool, principles
        case judges, pairing, budget, cache, window, diversity, hygiene, journal, storage
        case shardSize = "shard_size"
    }

    /// `budget:` with its keys checked (the ledger's `Budget` decodes leniently).
    private struct BudgetBlock: Decodable {
        var budget: Budget
        var split: BudgetSplit

        enum CodingKeys: String, CodingKey, CaseIterable {
            case maxRequests = "max_requests"
            case maxTokens = "max_tokens"
            case maxCost = "max_cost"
            case split
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
            budget = Budget(
                maxRequests: try c.decodeIfPresent(Int.self, forKey: .maxRequests),
                maxTokens: try c.decodeIfPresent(Int.self, forKey: .maxTokens),
                maxCost: try c.decodeIfPresent(Double.self, forKey: .maxCost))
            split = try c.decodeIfPresent(BudgetSplit.self, forKey: .split) ?? .even
        }
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        sampling = try SamplingConfiguration(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        judges = try c.decode(String.self, forKey: .judges)
        pairing = try c.decodeIfPresent(RunPairingConfiguration.self, forKey: .pairing) ?? RunPairingConfiguration()
        let budgetBlock = try c.decodeIfPresent(BudgetBlock.self, forKey: .budget)
        budget = budgetBlock?.budget ?? Budget()
        budgetSplit = budgetBlock?.split ?? .even
        journal = try c.decodeIfPresent(String.self, forKey: .journal)
        cache = try c.decodeIfPresent(String.self, forKey: .cache)
        window = try c.decodeIfPresent(Int.self, forKey: .window)
        if let window, window < 1 {
            throw DecodingError.dataCorruptedError(forKey: .window, in: c, debugDescription: "window must be at least 1, got \(window)")
        }
        diversity = try c.decodeIfPresent(RunDiversityConfiguration.self, forKey: .diversity)
        hygiene = try c.decodeIfPresent(HygieneConfiguration.self, forKey: .hygiene).flatMap { $0.isActive ? $0 : nil }
        shardSize = try Self.decodeShardSize(c)
        storage = try c.decodeIfPresent(StorageConfiguration.self, forKey: .storage)
        if sampling.output == nil {
            throw DecodingError.keyNotFound(
                CodingKeys.output, .init(codingPath: decoder.codingPath, debugDescription: "a run needs an output directory"))
        }
        if sampling.prompts == nil {
            throw DecodingError.keyNotFound(
                CodingKeys.prompts, .init(codingPath: decoder.codingPath, debugDescription: "a run needs prompts"))
        }
    }

    /// `shard_size: 64MiB` or a plain number of bytes.
    private static func decodeShardSize(_ c: KeyedDecodingContainer<CodingKeys>) throws -> Int {
        guard c.contains(.shardSize) else { return defaultShardSize }
        let bytes: Int
        if let number = try? c.decode(Int.self, forKey: .shardSize) {
            bytes = number
        } else {
            let text = try c.decode(String.self, forKey: .shardSize)
            do {
                bytes = try ByteCount.parse(text)
            } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: .shardSize, in: c, debugDescription: "'\(text)' is not a size (examples: 8MiB, 64MiB, 1GiB, 1048576)")
            }
        }
        guard shardSizes.contains(bytes) else {
            throw DecodingError.dataCorruptedError(
                forKey: .shardSize, in: c, debugDescription: "shard_size must be between 4KiB and 2GiB, got \(bytes) bytes")
        }
        return bytes
    }

    public func encode(to encoder: any Encoder) throws {
        try sampling.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(judges, forKey: .judges)
        try c.encode(pairing, forKey: .pairing)
        try c.encode(budget, forKey: .budget)
        try c.encodeIfPresent(cache, forKey: .cache)
        try c.encodeIfPresent(journal, forKey: .journal)
        try c.encodeIfPresent(window, forKey: .window)
        try c.encodeIfPresent(diversity, forKey: .diversity)
        try c.encodeIfPresent(hygiene, forKey: .hygiene)
        try c.encode(shardSize, forKey: .shardSize)
        try c.encodeIfPresent(storage, forKey: .storage)
    }
}
