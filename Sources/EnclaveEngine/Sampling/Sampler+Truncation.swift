// Enclave: top-k, top-p, min-p and temperature over the candidate tokens.

import Foundation

extension Sampler {
    /// Fills the candidate scratch with the surviving tokens, best first, and their unnormalised weights after
    /// temperature; returns how many survive (at least 1).
    ///
    /// Min-p only ever keeps tokens within `log(minP)` of the best logit, so those below are skipped before top-k.
    /// Without top-k and top-p nothing needs sorting: the candidates stay in id order.
    mutating func prepareCandidates(_ logits: UnsafeMutableBufferPointer<Float>) -> Int {
        let threshold = parameters.minP > 0 ? SamplerMath.maximum(logits) + Foundation.log(parameters.minP) : -.infinity
        if candidateIDs.count == vocabularySize && parameters.topP >= 1 {
            return collectUnsorted(logits, threshold: threshold)
        }
        var count = selectTopK(logits, threshold: threshold)
        let topP = Double(parameters.topP)
        let minP = parameters.minP
        let temperature = Double(parameters.temperature)
        candidateLogits.withUnsafeMutableBufferPointer { values in
            candidateWeights.withUnsafeMutableBufferPointer { weights in
                let best = values[0]
                if topP < 1 {
                    var total = 0.0
                    for i in 0..<count {
                        weights[i] = Foundation.exp(Double(values[i] - best))
                        total += weights[i]
                    }
                    var cumulative = 0.0
                    for i in 0..<count {
                        cumulative += weights[i] / total
                        if cumulative >= topP {
                            count = i + 1
                            break
                        }
                    }
                }
                if minP > 0 {
                    let threshold = best + Foundation.log(minP)
                    var kept = 1
                    while kept < count && values[kept] >= threshold { kept += 1 }
                    count = kept
                }
                for i in 0..<count { weights[i] = Foundation.exp(Double(values[i] - best) / temperature) }
            }
        }
        return count
    }

    /// Without top-k and top-p: every token at or above `threshold` (min-p's bound), in id order, with its weight
    /// after temperature. Min-p is then exact: the threshold is relative to the best logit.
    private mutating func collectUnsorted(_ logits: UnsafeMutableBufferPointer<Float>, threshold: Float) -> Int {
        let best = SamplerMath.maximum(logits)
        let temperature = Double(parameters.temperature)
        var count = 0
        candidateIDs.withUnsafeMutableBufferPointer { ids in
            candidateLogits.withUnsafeMutableBufferPointer { values in
                candidateWeights.withUnsafeMutableBufferPointer { weights in
                    for (i, value) in logits.enumerated() where value >= threshold {
                        ids[count] = Int32(i)
                        values[count] = value
                        weights[count] = Foundation.exp(Double(value - best) / temperature)
                        count += 1
                    }
                }
            }
        }
        return count
    }

    /// Puts the `k` best logits (ties: lower id) into the candidate scratch, sorted best first, using a bounded
    /// min-heap: one pass over the vocabulary, `O(n log k)`, no allocation. Returns `k` (or fewer if some are NaN).
    mutating func selectTopK(_ logits: UnsafeMutableBufferPointer<Float>, threshold: Float) -> Int {
        let capacity = candidateIDs.count
        var size = 0
        candidateIDs.withUnsafeMutableBufferPointer { ids in
            candidateLogits.withUnsafeMutableBufferPointer { values in
                // "Worse" = lower logit, or equal logit and higher id. The heap keeps the worst survivor at the root.
                func worse(_ a: Int, _ b: Int) -> Bool {
                    values[a] < values[b] || (values[a] == values[b] && ids[a] > ids[b])
                }
                func swap(_ a: Int, _ b: Int) {
                    values.swapAt(a, b)
                    ids.swapAt(a, b)
                }
                func siftDown(_ start: Int, _ end: Int) {
                    var root = start
                    while true {
                        var child = 2 * root + 1
                        guard child < end else { return }
                        if child + 1 < end && worse(child + 1, child) { child += 1 }
                        guard worse(child, root) else { return }
                        swap(root, child)
                        root = child
                    }
                }
                // Below `floor` nothing can enter: the threshold, then (once the heap is full) its worst logit.
                var floor = threshold
                let count = logits.count
                var i = 0
                while i < count {
                    let value = logits[i]
                    if value >= floor {
                        if size < capacity {
                            values[size] = value
                            ids[size] = Int32(i)
                            var child = size
                            size += 1
                            while child > 0 {
                                let parent = (child - 1) / 2
                                guard worse(child, parent) else { break }
                                swap(child, parent)
                                child = parent
                            }
                            if size == capacity { floor = Swift.max(threshold, values[0].nextUp) }
                        } else {
                            values[0] = value
                            ids[0] = Int32(i)
                            siftDown(0, size)
                            floor = Swift.max(threshold, values[0].nextUp)
                        }
                    }
                    i += 1
                }
                // Heapsort: moving the worst to the end each time leaves the survivors best first.
                var end = size
                while end > 1 {
                    end -= 1
                    swap(0, end)
                    siftDown(0, end)
                }
            }
        }
        return size
    }
}
