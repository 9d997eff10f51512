// Enclave knowledge tests: seeded clustered unit vectors, shaped like sentence embeddings of a few topics.

/// Unit vectors around `clusters` random centres (noise of `spread` per coordinate), from a seeded
/// SplitMix64 so a failure reproduces.
struct ClusteredVectors {
    private var state: UInt64
    let dimensions: Int
    private var centres: [[Float]] = []

    init(dimensions: Int, clusters: Int, seed: UInt64) {
        self.dimensions = dimensions
        state = seed
        centres = (0..<clusters).map { _ in gaussianVector(scale: 1) }
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }

    private mutating func gaussianVector(scale: Float) -> [Float] {
        (0..<dimensions).map { _ in (uniform() + uniform() + uniform() + uniform()) * 0.866 * scale }
    }

    /// A unit vector near a random centre.
    mutating func vector(spread: Float = 0.35) -> [Float] {
        let centre = centres[Int(next() % UInt64(centres.count))]
        let noise = gaussianVector(scale: spread)
        return Self.normalized(zip(centre, noise).map { $0 + $1 })
    }

    static func normalized(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / norm }
    }
}
