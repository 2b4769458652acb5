import Foundation

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator, fully specified here, so the
/// same seed draws the same numbers on every machine (test streams, benchmark captures).
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    /// The seed random tests use unless the environment variable `FLOWCSV_TEST_SEED` names
    /// another (decimal, or hexadecimal with `0x`).
    public static let defaultTestSeed: UInt64 = 0x5EED_F10C_5C5F_0008

    /// A generator for a random test, seeded with `FLOWCSV_TEST_SEED` or ``defaultTestSeed``;
    /// prints the seed with the test's name, so that a failure can be repeated.
    public static func forTest(_ name: String = #function) -> SplitMix64 {
        let seed = testSeed()
        print("\(name): seed \(seed) (FLOWCSV_TEST_SEED=\(seed) repeats it)")
        return SplitMix64(seed: seed)
    }

    /// `FLOWCSV_TEST_SEED` when set and valid, else ``defaultTestSeed``.
    public static func testSeed() -> UInt64 {
        guard let cString = getenv("FLOWCSV_TEST_SEED") else { return defaultTestSeed }
        let text = String(cString: cString).trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) ?? defaultTestSeed }
        return UInt64(text) ?? defaultTestSeed
    }
}
