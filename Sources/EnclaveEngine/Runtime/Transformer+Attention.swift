// Enclave: the attention half of a transformer block.

import CEnclaveKernels

extension Transformer {
    /// Key or value blocks of an attention tile fetched ahead of the one being read.
    static let prefetchDistance = 4

    /// Projects `xn` (written by `prepare`, row by row) to queries, keys and values, applies biases, Q/K norms
    /// and RoPE, stores keys and values in the cache, attends, and leaves the output projection in `proj`.
    func attentionBlock(layer: Int, weights w: LayerWeights, batch: ForwardBatch, prepare: (Range<Int>) -> Void) {
        let c = configuration
        let n = batch.count
        let qLen = c.queryLength
        let kvLen = c.kvLength
        let hd = c.headDim
        matmul(
            xn,
            rows: n,
            columns: c.embeddingLength,
            LinearTarget(w.wq, q),
            LinearTarget(w.wk, k),
            LinearTarget(w.wv, v),
            prepare: prepare
        )
        for i in 0..<n {
            if let b = w.qBias { Ops.add(q + i * qLen, b, qLen) }
            if let b = w.kBias { Ops.add(k + i * kvLen, b, kvLen) }
            if let b = w.vBias { Ops.add(v + i * kvLen, b, kvLen) }
        }
        let local = c.isLocalLayer(layer)
        let pairs = c.ropeDimensions / 2
        for i in 0..<n {
            let table = (local ? n + i : i) * pairs
            let cosT = UnsafePointer(ropeCos + table)
            let sinT = UnsafePointer(ropeSin + table)
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
        let bs = cache.blockSize
        let hd = c.headDim
        let kvLen = c.kvLength
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
    /// `window` positions only, when `window > 0`).
    ///
    /// Work is split into tiles: up to ``attentionTileTokens`` consecutive tokens of one sequence times
    /// the query heads that share one KV head. A tile computes the scores of all its queries against
    /// each key block at once (each f16 key row widened once), masks per query (causal, window),
    /// takes the softmax per query, and accumulates the values the same way.
    private func attend(layer: Int, batch: ForwardBatch, window: Int) {
        let c = configuration
        let hd = c.headDim
        let qLen = c.queryLength
        let group = c.headCount / c.kvHeadCount
        let kvHeads = c.kvHeadCount
        let bs = cache.blockSize
        let scale = c.attentionScale
        let queriesPerTile = attentionTileTokens * group
        attentionTiles.removeAll(keepingCapacity: true)
        var row = 0
        while row < batch.count {
            var count = 1
            while count < attentionTileTokens, row + count < batch.count,
                batch.sequences[row + count] == batch.sequences[row]
            {
                count += 1
            }
            attentionTiles.append((row, count))
            row += count
        }
        let tiles = attentionTiles
        let q = self.q
        let attn = self.attn
        let cache = self.cache
        let maxContext = self.maxContext
        let tileQueries = self.tileQueries
        let tileScores = self.tileScores
        let tileOutputs = self.tileOutputs
        pool.run(chunks: tiles.count * kvHeads) { chunk, thread in
            let (start, count) = tiles[chunk / kvHeads]
            let kvHead = chunk % kvHeads
            let nq = count * group
            let Q = tileQueries + thread * queriesPerTile * hd
            let S = tileScores + thread * queriesPerTile * maxContext
            let O = tileOutputs + thread * queriesPerTile * hd
            let table = batch.blockTables[batch.sequences[start]]
            var lo = Int.max
            var hi = 0
            for t in 0..<count {
                let pos = batch.positions[start + t]
                lo = min(lo, window > 0 ? max(0, pos - window + 1) : 0)
                hi = max(hi, pos)
                for h in 0..<group {
                    let src = q + (start + t) * qLen + (kvHead * group + h) * hd
                    let dst = Q + (t * group + h) * hd
                    for d in 0..<hd { dst[d] = src[d] * scale }
                }
            }
            let stride = hi - lo + 1
            // Keys then values are read block by block; the block `prefetchDistance` ahead in that stream is
            // fetched meanwhile (a decode tile's few blocks are scattered across the cache and come from memory).
            let rowBytes = Int64(hd * MemoryLayout<UInt16>.size)
            let firstBlock = lo / bs
            let blockCount = hi / bs - firstBlock + 1
            func prefetch(_ i: Int) {
                guard i < 2 * blockCount else { return }
                let b = firstBlock + i % blockCount
                let from = max(lo, b * bs)
                let to = min(hi, b * bs + bs - 1)
                let base =
                    i < blockCount
                    ? cache.keys(block: table[b], layer: layer, head: kvHead)
                    : cache.values(block: table[b], layer: layer, head: kvHead)
                enc_prefetch(base + (from - b * bs) * hd, rowBytes * Int64(to - from + 1))
            }
            for i in 0..<min(Self.prefetchDistance, 2 * blockCount) { prefetch(i) }
            var p = lo
            while p <= hi {
                let block = table[p / bs]
                let slot0 = p % bs
                let slots = min(bs - slot0, hi - p + 1)
                let keys = cache.keys(block: block, layer: layer, head: kvHead) + slot0 * hd
                prefetch(p / bs - firstBlock + Self.prefetchDistance)
                var qi = 0
                while qi < nq {
                    let m = min(4, nq - qi)
                    enc_attn_tile_scores(
                        Q + qi * hd,
                        Int64(m),
                        keys,
                        Int64(hd),
                        Int64(slots),
                        Int64(hd),
                        S + qi * stride + (p - lo),
                        Int64(stride)
                    )
                    qi += m
                }
                p += slots
            }
            // Per query: mask outside [first, pos], softmax inside.
            for t in 0..<count {
                let pos = batch.positions[start + t]
                let first = window > 0 ? max(0, pos - window + 1) : 0
                for h in 0..<group {
                    let scores = S + (t * group + h) * stride
                    let a = first - lo
                    let b = pos - lo
                    if a > 0 { scores.update(repeating: 0, count: a) }
                    Ops.softmax(scores + a, b - a + 1)
                    if b + 1 < stride { (scores + b + 1).update(repeating: 0, count: stride - b - 1) }
                }
            }
            // Weighted sums of the values.
            O.update(repeating: 0, count: nq * hd)
            p = lo
            while p <= hi {
                let block = table[p / bs]
                let slot0 = p % bs
                let slots = min(bs - slot0, hi - p + 1)
                let values = cache.values(block: block, layer: layer, head: kvHead) + slot0 * hd
                prefetch(blockCount + p / bs - firstBlock + Self.prefetchDistance)
                var qi = 0
                while qi < nq {
                    let m = min(4, nq - qi)
                    enc_attn_tile_accumulate(
                        S + qi * stride + (p - lo),
                        Int64(stride),
                        Int64(m),
                        values,
                        Int64(hd),
                        Int64(slots),
                        Int64(hd),
                        O + qi * hd
                    )
                    qi += m
                }
                p += slots
            }
            for t in 0..<count {
                for h in 0..<group {
                    (attn + (start + t) * qLen + (kvHead * group + h) * hd).update(from: O + (t * group + h) * hd, count: hd)
                }
            }
        }
    }
}
