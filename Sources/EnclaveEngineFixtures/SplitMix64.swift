// Enclave engine fixtures: a small seeded generator for test and benchmark data.

/// SplitMix64 (Steele, Lea and Flood): fast, seeded, and the same sequence on every platform, so a failing test
/// or a benchmark's random blocks reproduce. Not for sampling (the engine's sampler uses xoshiro256**).
///
/// ```swift
/// var rng = SplitMix64(seed: 42)
/// let weights = GGMLBlockFactory.blocks(.q4_K, rows: 64, k: 256, using: &rng)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's state.
    public var state: UInt64

    /// Creates a generator; any seed, 0 included, is fine.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Roughly normal (a sum of four uniforms), mean 0, standard deviation about `scale`.
    public mutating func normal(_ scale: Float) -> Float {
        var s: Float = 0
        for _ in 0..<4 { s += Float.random(in: -1...1, using: &self) }
        return s * 0.866 * scale
    }
}
