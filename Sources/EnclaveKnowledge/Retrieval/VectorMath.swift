// Enclave knowledge: the dot product of the vector indexes.

/// Dot products of Float32 vectors with SIMD registers (16 lanes, so AVX2 or AVX-512 where the compiler
/// has them), the kernel of both vector indexes.
enum VectorMath {
    /// The dot product of `count` floats at `a` and `b`.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var acc0 = SIMD16<Float>()
        var acc1 = SIMD16<Float>()
        var i = 0
        let rawA = UnsafeRawPointer(a)
        let rawB = UnsafeRawPointer(b)
        while i + 32 <= count {
            let offset = i &* 4
            acc0 +=
                rawA.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
            acc1 +=
                rawA.loadUnaligned(fromByteOffset: offset &+ 64, as: SIMD16<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: offset &+ 64, as: SIMD16<Float>.self)
            i &+= 32
        }
        while i + 16 <= count {
            let offset = i &* 4
            acc0 +=
                rawA.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
            i &+= 16
        }
        var sum = (acc0 + acc1).sum()
        while i < count {
            sum += a[i] * b[i]
            i &+= 1
        }
        return sum
    }

    /// `vector` scaled to length 1 (unchanged if it is all zeros).
    static func normalized(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return vector }
        return vector.map { $0 / norm }
    }
}
