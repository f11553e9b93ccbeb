// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Prefab",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Prefab", targets: ["Prefab"]),
        .library(name: "PrefabShards", targets: ["PrefabShards"]),
        .library(name: "PrefabLLM", targets: ["PrefabLLM"]),
        .executable(name: "prefab", targets: ["prefab"]),
        .executable(name: "prefab-sim", targets: ["prefab-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // `prefab run --metrics`: swift-metrics instruments exported in Prometheus' format.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // System libraries. Each has a module map and a shim header.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Shards: zstd frames, JSONL.zst, MDS, manifests, hashes. Knows nothing about LLMs.
        .target(name: "PrefabShards", dependencies: ["CZstd", "CCrypto"]),

        // HTTP over one curl multi handle, endpoint clients, retries, limits, response cache.
        .target(
            name: "PrefabLLM",
            dependencies: [
                "CCurl", "PrefabShards",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Object storage: S3 over the libcurl engine with the project's own SigV4 signer (no AWS SDK).
        .target(name: "PrefabStorage", dependencies: ["PrefabShards", "PrefabLLM"]),

        // The OpenAI/Anthropic-compatible simulator (SwiftNIO), a library so tests can run it in-process.
        .target(
            name: "PrefabSimulator",
            dependencies: [
                "PrefabShards",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),

        // Records, input, sampler, rubrics, judges, aggregation, pairing, diversity, pipeline, report.
        .target(
            name: "Prefab",
            dependencies: [
                "PrefabShards", "PrefabLLM", "PrefabStorage",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),

        // Human review in the browser: an uncertainty queue, labels in review.sqlite, a static page.
        .target(
            name: "PrefabReview",
            dependencies: [
                "Prefab", "PrefabShards",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),

        .executableTarget(
            name: "prefab",
            dependencies: [
                "Prefab", "PrefabReview",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "prefab-sim",
            dependencies: ["PrefabSimulator", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "prefab-bench",
            dependencies: [
                "PrefabShards", "PrefabLLM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/PrefabBench"
        ),

        // What the test targets share, once: built binaries, processes, scratch directories, shard
        // fixtures, an in-process simulator and a curl client for it.
        .target(name: "PrefabTestSupport", dependencies: ["PrefabShards", "PrefabSimulator", "PrefabStorage"], path: "Tests/PrefabTestSupport"),

        .testTarget(name: "PrefabStorageTests", dependencies: ["PrefabStorage", "PrefabShards", "PrefabLLM", "PrefabTestSupport"]),
        .testTarget(name: "PrefabShardsTests", dependencies: ["PrefabShards", "PrefabTestSupport"]),
        .testTarget(name: "PrefabLLMTests", dependencies: ["PrefabLLM", "PrefabSimulator", "PrefabTestSupport"]),
        .testTarget(name: "PrefabSimulatorTests", dependencies: ["PrefabSimulator", "PrefabShards", "PrefabTestSupport"]),
        .testTarget(
            name: "PrefabTests",
            dependencies: ["Prefab", "PrefabSimulator", "PrefabStorage", "PrefabTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "PrefabReviewTests", dependencies: ["PrefabReview", "Prefab", "PrefabShards", "PrefabSimulator", "PrefabTestSupport"]),
        // The built `prefab` and `prefab-sim` executables, run as a user runs them.
        .testTarget(name: "PrefabCLITests", dependencies: ["PrefabShards", "PrefabTestSupport"]),
        // Tests against the real local llama.cpp server; they skip, saying why, when it is not installed.
        .testTarget(name: "PrefabEndToEndTests", dependencies: ["Prefab", "PrefabLLM", "PrefabTestSupport"]),
    ]
)
