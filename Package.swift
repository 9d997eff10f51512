// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The engine's hot loops use raw pointers; `-Ounchecked` removes the remaining overflow checks there.
let engineSettings: [SwiftSetting] = swiftSettings + [
    .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))
]

let package = Package(
    name: "enclave",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "enclave", targets: ["enclave"]),
        .library(name: "EnclaveEngine", targets: ["EnclaveEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
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
        .executableTarget(
            name: "enclave",
            dependencies: [
                "EnclaveEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EnclaveEngineTests",
            dependencies: ["EnclaveEngine", "CEnclaveKernels"],
            swiftSettings: swiftSettings
        ),
    ]
)
