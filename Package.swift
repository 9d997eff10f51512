// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The engine's hot loops use raw pointers; `-Ounchecked` removes the remaining overflow checks there.
let engineSettings: [SwiftSetting] =
    swiftSettings + [
        .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))
    ]

let package = Package(
    name: "enclave",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "enclave", targets: ["enclave"]),
        .library(name: "EnclaveEngine", targets: ["EnclaveEngine"]),
        .library(name: "EnclaveCore", targets: ["EnclaveCore"]),
        .library(name: "EnclaveStorage", targets: ["EnclaveStorage"]),
        .library(name: "EnclaveBackends", targets: ["EnclaveBackends"]),
        .library(name: "EnclaveKnowledge", targets: ["EnclaveKnowledge"]),
        .library(name: "EnclaveGateway", targets: ["EnclaveGateway"]),
        .library(name: "EnclaveOpenAI", targets: ["EnclaveOpenAI"]),
        .library(name: "EnclaveServer", targets: ["EnclaveServer"]),
        .library(name: "EnclaveTesting", targets: ["EnclaveTesting"]),
        .library(name: "EnclaveEngineFixtures", targets: ["EnclaveEngineFixtures"]),
        .library(name: "EnclaveBench", targets: ["EnclaveBench"]),
        .library(name: "EnclaveGuard", targets: ["EnclaveGuard"]),
        .library(name: "EnclaveLoad", targets: ["EnclaveLoad"]),
        .library(name: "EnclaveUpstream", targets: ["EnclaveUpstream"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        // swift-configuration support is not used: Enclave reads its own YAML file.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0", traits: ["FullFoundation"]),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.30.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.27.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.0.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.19"),
    ],
    targets: [
        .target(
            name: "CEnclaveKernels",
            path: "Sources/CEnclaveKernels",
            cSettings: [.unsafeFlags(["-O3"])]
        ),
        .target(
            name: "EnclaveEngine",
            dependencies: ["CEnclaveKernels"],
            swiftSettings: engineSettings
        ),
        // Valid random ggml weights and a seeded generator, shared by the engine tests and the bench.
        .target(
            name: "EnclaveEngineFixtures",
            dependencies: ["EnclaveEngine"],
            swiftSettings: swiftSettings
        ),
        // Benchmark harnesses (no HTTP); the CLI's bench commands are thin shells over them.
        .target(
            name: "EnclaveBench",
            dependencies: ["EnclaveEngine", "EnclaveEngineFixtures", "CEnclaveKernels", "EnclaveKnowledge", "EnclaveGuard"],
            swiftSettings: swiftSettings
        ),
        // The load tester of `enclave bench run`: a client of any OpenAI-compatible server, its statistics and reports.
        .target(
            name: "EnclaveLoad",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EnclaveCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EnclaveStorage",
            dependencies: [
                "EnclaveCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EnclaveBackends",
            dependencies: [
                "EnclaveCore",
                "EnclaveEngine",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Parsing, chunking, vector indexes, retrieval and fusion for assistants' collections.
        .target(
            name: "EnclaveKnowledge",
            dependencies: [
                "EnclaveCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        // Guardrails: PII, secret and prompt-injection detectors, policies, redaction and the streaming filter.
        .target(
            name: "EnclaveGuard",
            dependencies: ["EnclaveCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EnclaveGateway",
            dependencies: [
                "EnclaveCore",
                "EnclaveGuard",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EnclaveOpenAI",
            dependencies: ["EnclaveCore"],
            swiftSettings: swiftSettings
        ),
        // OpenAI-compatible upstream servers (vLLM, llama.cpp server, Ollama) behind the backend protocol.
        .target(
            name: "EnclaveUpstream",
            dependencies: [
                "EnclaveCore",
                "EnclaveOpenAI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EnclaveServer",
            dependencies: [
                "EnclaveCore",
                "EnclaveGuard",
                "EnclaveOpenAI",
                "EnclaveStorage",
                "EnclaveGateway",
                "EnclaveKnowledge",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EnclaveTesting",
            dependencies: ["EnclaveCore"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "enclave",
            dependencies: [
                "EnclaveBench",
                "EnclaveGuard",
                "EnclaveLoad",
                "EnclaveEngine",
                "EnclaveCore",
                "EnclaveBackends",
                "EnclaveStorage",
                "EnclaveGateway",
                "EnclaveKnowledge",
                "EnclaveOpenAI",
                "EnclaveServer",
                "EnclaveUpstream",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnclaveEngineTests",
            dependencies: ["EnclaveEngine", "CEnclaveKernels", "EnclaveEngineFixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnclaveCoreTests",
            dependencies: ["EnclaveCore", "EnclaveTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnclaveStorageTests",
            dependencies: ["EnclaveCore", "EnclaveStorage", "EnclaveTesting", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnclaveBackendsTests",
            dependencies: ["EnclaveBackends", "EnclaveCore", "EnclaveEngine", "EnclaveTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnclaveKnowledgeTests",
            dependencies: [
                "EnclaveCore",
                // The real WordPiece tokenizer, to check passages against the embedding model's own count.
                "EnclaveEngine",
                "EnclaveKnowledge",
                "EnclaveStorage",
                "EnclaveTesting",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnclaveLoadTests",
            dependencies: [
                "EnclaveLoad",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnclaveGuardTests",
            dependencies: ["EnclaveCore", "EnclaveGuard"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnclaveGatewayTests",
            dependencies: ["EnclaveCore", "EnclaveGateway", "EnclaveTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnclaveUpstreamTests",
            dependencies: [
                "EnclaveCore",
                "EnclaveOpenAI",
                "EnclaveUpstream",
                "EnclaveTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnclaveOpenAITests",
            dependencies: ["EnclaveCore", "EnclaveOpenAI"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnclaveServerTests",
            dependencies: [
                "EnclaveCore",
                "EnclaveGuard",
                "EnclaveOpenAI",
                "EnclaveServer",
                "EnclaveStorage",
                "EnclaveGateway",
                "EnclaveTesting",
                "EnclaveKnowledge",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
