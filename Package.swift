// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "flowcsv",
    products: [
        .library(name: "FlowStats", targets: ["FlowStats"]),
        .executable(name: "flowcsv", targets: ["flowcsv"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        // QUIC Initial decryption (HKDF, AES-GCM, AES block for header protection) and the
        // JA3/JA4 hashes (MD5, SHA-256).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // `flowcsv summary`: flow duration and size quantiles (docs/summary.md).
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // <pcap/pcap.h>, found with `pkg-config libpcap` (Debian: libpcap-dev).
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]
        ),
        // The library: capture reading, decoding, flow tracking, CSV. No terminal code.
        .target(
            name: "FlowStats",
            dependencies: [
                "CPcap",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // The thin command-line tool.
        .executableTarget(
            name: "flowcsv",
            dependencies: [
                "FlowStats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Packet builder and pcap/pcapng writers used by tests and by the fixture generator.
        .target(
            name: "FlowStatsTestSupport",
            path: "Tests/FlowStatsTestSupport"
        ),
        // Writes the committed example dataset and fixtures: `swift run flowcsv-fixtures`.
        .executableTarget(
            name: "flowcsv-fixtures",
            dependencies: ["FlowStatsTestSupport"],
            path: "Fixtures/Generator"
        ),
        // Writes the benchmark captures: `make bench` (Benchmarks/run.sh).
        .executableTarget(name: "flowcsv-benchgen", dependencies: ["FlowStatsTestSupport"], path: "Benchmarks/Generator"),
        .testTarget(
            name: "FlowStatsTests",
            dependencies: ["FlowStats", "FlowStatsTestSupport"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["FlowStatsTestSupport", "flowcsv"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
