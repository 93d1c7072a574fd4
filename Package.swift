// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "mmutorture",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mmutorture", targets: ["mmutorture"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // liburcu 0.13 from Debian's liburcu-dev, through pkg-config.
        .systemLibrary(
            name: "CURCU",
            path: "Shims/CURCU",
            pkgConfig: "liburcu",
            providers: [.apt(["liburcu-dev"])]
        ),
        // The C shim: one liburcu flavour per .c file, inline read-side fast
        // paths for memb and qsbr, and the atomic primitives on raw memory.
        .target(
            name: "URCUShim",
            dependencies: ["CURCU"],
            path: "Shims/URCUShim",
            cSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: ["urcu-memb", "urcu-qsbr", "urcu-mb", "urcu-bp", "urcu-common"].map { .linkedLibrary($0) }
        ),
        // The model MMU, the protocol paths, the platforms, the checker and
        // the runner: one module so that the generic paths specialise.
        .target(
            name: "MMUTortureCore",
            dependencies: [
                "URCUShim",
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        // Campaign config files (YAML through Yams) and reports (JSON, JUnit).
        .target(
            name: "MMUTortureConfig",
            dependencies: [
                "MMUTortureCore",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Campaigns: the runner of a campaign's runs, the mapping from a
        // resolved config to the runner's parameters, the terminal summary.
        .target(
            name: "MMUTortureCampaign",
            dependencies: ["MMUTortureCore", "MMUTortureConfig", "URCUShim"]
        ),
        .executableTarget(
            name: "mmutorture",
            dependencies: [
                "MMUTortureCore",
                "MMUTortureConfig",
                "MMUTortureCampaign",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "MMUTortureCoreTests",
            dependencies: ["MMUTortureCore", "URCUShim"]
        ),
        .testTarget(
            name: "MMUTortureConfigTests",
            dependencies: ["MMUTortureConfig", "MMUTortureCore"]
        ),
        .testTarget(
            name: "MMUTortureCampaignTests",
            dependencies: ["MMUTortureCampaign", "MMUTortureConfig", "MMUTortureCore"]
        ),
    ],
    swiftLanguageModes: [.v5]
)
