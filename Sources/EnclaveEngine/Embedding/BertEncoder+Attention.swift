// Enclave: multi-head self-attention of a BERT encoder, per sequence of a packed batch.

extension BertEncoder {
    /// Writes `context` from `q`, `k` and `v` (biases included): for each sequence and head, in parallel,
    /// softmax(q·kᵀ / √d) · v over that sequence's own tokens, which is what the attention mask of a padded batch
    /// does. Each (sequence, head) pair scales its own slice of q first.
    func attention(starts: [Int]) {
        let c = configuration
        let h = c.hiddenSize
        let d = c.headSize
        let heads = c.heads
        let sequences = starts.count - 1
        let scale = 1 / Float(d).squareRoot()
        let (q, k, v, out) = (queries, keys, values, contextRows)
        let longest = (0..<sequences).map { starts[$0 + 1] - starts[$0] }.max() ?? 0
        pool.run(chunks: sequences * heads) { chunk in
            let s = chunk / heads
            let head = chunk % heads
            let rows = starts[s]..<starts[s + 1]
            let offset = head * d
            for r in rows {
                let qr = q + r * h + offset
                for j in 0..<d { qr[j] *= scale }
            }
            withUnsafeTemporaryAllocation(of: Float.self, capacity: longest) { scores in
                let p = scores.baseAddress!
                for i in rows {
                    let qi = q + i * h + offset
                    for (n, j) in rows.enumerated() { p[n] = Ops.dot(qi, k + j * h + offset, d) }
                    Ops.softmax(p, rows.count)
                    let o = out + i * h + offset
                    o.update(repeating: 0, count: d)
                    for (n, j) in rows.enumerated() { Ops.axpy(p[n], v + j * h + offset, o, d) }
                }
            }
        }
    }
}
