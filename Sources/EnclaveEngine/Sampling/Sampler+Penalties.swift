// Enclave: repetition, frequency and presence penalties over the recent tokens.

extension Sampler {
    /// Applies the penalties in place to the logits of the distinct tokens in the history, remembering their original
    /// values in `penaltyOriginals`. Returns how many tokens were changed (for ``restorePenalties(_:count:)``).
    ///
    /// For a token seen `count` times: `logit = logit > 0 ? logit / r : logit * r`, then
    /// `logit -= count * frequencyPenalty + presencePenalty` (llama.cpp's order).
    mutating func applyPenalties(_ logits: UnsafeMutableBufferPointer<Float>) -> Int {
        guard historyCount > 0 else { return 0 }
        let repetition = parameters.repetitionPenalty
        let frequency = parameters.frequencyPenalty
        let presence = parameters.presencePenalty
        let vocabulary = Int32(vocabularySize)
        let window = historyCount
        return history.withUnsafeBufferPointer { history in
            penaltyIDs.withUnsafeMutableBufferPointer { ids in
                penaltyCounts.withUnsafeMutableBufferPointer { counts in
                    penaltyOriginals.withUnsafeMutableBufferPointer { originals in
                        for i in 0..<window { ids[i] = history[i] }
                        Self.heapSort(ids, count: window)
                        var distinct = 0
                        var i = 0
                        while i < window {
                            let token = ids[i]
                            var j = i + 1
                            while j < window && ids[j] == token { j += 1 }
                            if token >= 0 && token < vocabulary {
                                ids[distinct] = token
                                counts[distinct] = Int32(j - i)
                                distinct += 1
                            }
                            i = j
                        }
                        for k in 0..<distinct {
                            let index = Int(ids[k])
                            let original = logits[index]
                            originals[k] = original
                            var value = original > 0 ? original / repetition : original * repetition
                            value -= Float(counts[k]) * frequency + presence
                            logits[index] = value
                        }
                        return distinct
                    }
                }
            }
        }
    }

    /// Puts back the logits that ``applyPenalties(_:)`` changed.
    func restorePenalties(_ logits: UnsafeMutableBufferPointer<Float>, count: Int) {
        for k in 0..<count { logits[Int(penaltyIDs[k])] = penaltyOriginals[k] }
    }

    /// In-place ascending heapsort of the first `count` ids (no allocation, unlike the standard library's sort).
    static func heapSort(_ values: UnsafeMutableBufferPointer<Int32>, count: Int) {
        func siftDown(_ start: Int, _ end: Int) {
            var root = start
            while true {
                var child = 2 * root + 1
                guard child < end else { return }
                if child + 1 < end && values[child + 1] > values[child] { child += 1 }
                guard values[child] > values[root] else { return }
                values.swapAt(root, child)
                root = child
            }
        }
        guard count > 1 else { return }
        for start in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(start, count) }
        for end in stride(from: count - 1, to: 0, by: -1) {
            values.swapAt(0, end)
            siftDown(0, end)
        }
    }
}
