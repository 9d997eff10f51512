// Enclave: the attention half of a transformer block.

import CEnclaveKernels

extension Transformer {
    /// Projects `xn` to queries, keys and values, applies biases, Q/K norms and RoPE, stores keys
    /// and values in the cache, attends, and leaves the output projection in `proj`.
    func attentionBlock(layer: Int, weights w: LayerWeights, batch: ForwardBatch) {
        let c = configuration
        let n = batch.count
        let qLen = c.queryLength, kvLen = c.kvLength, hd = c.headDim
        matmul(xn, rows: n, columns: c.embeddingLength, LinearTarget(w.wq, q), LinearTarget(w.wk, k), LinearTarget(w.wv, v))
        for i in 0..<n {
            if let b = w.qBias { Ops.add(q + i * qLen, b, qLen) }
            if let b = w.kBias { Ops.add(k + i * kvLen, b, kvLen) }
            if let b = w.vBias { Ops.add(v + i * kvLen, b, kvLen) }
        }
        let local = c.isLocalLayer(layer)
        let pairs = c.ropeDimensions / 2
        for i in 0..<n {
            let table = (local ? n + i : i) * pairs
            let cosT = UnsafePointer(ropeCos + table), sinT = UnsafePointer(ropeSin + table)
            for h in 0..<c.headCount {
                let head = q + i * qLen + h * hd
                if let g = w.qNorm { Ops.rmsNorm(head, g, head, hd, c.rmsEpsilon) }
                Ops.rope(head, cos: cosT, sin: sinT, pairs: pairs, style: c.ropeStyle)
            }
            for h in 0..<c.kvHeadCount {
                let head = k + i * kvLen + h * hd
                if let g = w.kNorm { Ops.rmsNorm(head, g, head, hd, c.rmsEpsilon) }
                Ops.rope(head, cos: cosT, sin: sinT, pairs: pairs, style: c.ropeStyle)
            }
        }
        storeKeysAndValues(layer: layer, batch: batch)
        attend(layer: layer, batch: batch, window: local ? c.slidingWindow : 0)
        matmul(attn, rows: n, columns: qLen, LinearTarget(w.wo, proj))
    }

    private func storeKeysAndValues(layer: Int, batch: ForwardBatch) {
        let c = configuration
        let bs = cache.blockSize, hd = c.headDim, kvLen = c.kvLength
        for i in 0..<batch.count {
            let pos = batch.positions[i]
            let block = batch.blockTables[batch.sequences[i]][pos / bs]
            let slot = pos % bs
            for h in 0..<c.kvHeadCount {
                enc_f32_to_f16(k + i * kvLen + h * hd, cache.keys(block: block, layer: layer, head: h) + slot * hd, Int64(hd))
                enc_f32_to_f16(v + i * kvLen + h * hd, cache.values(block: block, layer: layer, head: h) + slot * hd, Int64(hd))
            }
        }
    }

    /// Causal attention of every batch token over its sequence's cached positions (the last
    /// `window` positions only, when `window > 0`), one chunk per (token, query head).
    private func attend(layer: Int, batch: ForwardBatch, window: Int) {
        let c = configuration
        let hd = c.headDim, qLen = c.queryLength
        let group = c.headCount / c.kvHeadCount
        let bs = cache.blockSize
        let scale = c.attentionScale
        let q = self.q, attn = self.attn, scores = self.scores, keyRows = self.keyRows
        let cache = self.cache, maxContext = self.maxContext
        pool.run(chunks: batch.count * c.headCount) { chunk, thread in
            let i = chunk / c.headCount, h = chunk % c.headCount
            let pos = batch.positions[i]
            let table = batch.blockTables[batch.sequences[i]]
            let first = window > 0 ? max(0, pos - window + 1) : 0
            let kvHead = h / group
            let query = q + i * qLen + h * hd
            let s = scores + thread * maxContext
            let rows = keyRows + thread * bs * hd
            let count = pos - first + 1
            // Scores, block by block (the keys of one head are contiguous within a block).
            var p = first
            while p <= pos {
                let block = table[p / bs]
                let slot0 = p % bs
                let slots = min(bs - slot0, pos - p + 1)
                enc_attn_scores_f16(query, cache.keys(block: block, layer: layer, head: kvHead) + slot0 * hd,
                                    Int64(hd), Int64(slots), Int64(hd), scale, s + (p - first))
                p += slots
            }
            Ops.softmax(s, count)
            // Weighted sum of values.
            let out = attn + i * qLen + h * hd
            out.initialize(repeating: 0, count: hd)
            p = first
            while p <= pos {
                let block = table[p / bs]
                let slot0 = p % bs
                let slots = min(bs - slot0, pos - p + 1)
                enc_attn_accumulate_f16(s + (p - first), cache.values(block: block, layer: layer, head: kvHead) + slot0 * hd,
                                        Int64(hd), Int64(slots), Int64(hd), rows)
                Ops.add(out, rows, hd)
                p += slots
            }
        }
    }
}
