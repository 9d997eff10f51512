// Enclave bench: unit vectors shaped like a collection's sentence embeddings.

/// Unit vectors near one of `clusters` random topic centres, from a seeded SplitMix64: nearest-neighbour
/// search on them behaves like on real embeddings (dense neighbourhoods, many near-ties), unlike uniform
/// random vectors, where every point is about equally far from every other.
struct SyntheticEmbeddings {
    private var state: UInt64
    private var centres: [[Float]] = []
    let dimensions: Int

    init(dimensions: Int, clusters: Int, seed: UInt64) {
        self.dimensions = dimensions
        state = seed
        centres = (0..<clusters).map { _ in noise(1) }
    }

    private mutating func bits() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func noise(_ scale: Float) -> [Float] {
        (0..<dimensions).map { _ in
            var s: Float = 0
            for _ in 0..<4 { s += Float(bits() >> 40) / Float(1 << 24) * 2 - 1 }
            return s * 0.866 * scale
        }
    }

    /// The next vector.
    mutating func next() -> [Float] {
        let centre = centres[Int(bits() % UInt64(centres.count))]
        let v = zip(centre, noise(0.6)).map { $0 + $1 }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / norm }
    }
}
