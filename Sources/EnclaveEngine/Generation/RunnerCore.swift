// Enclave: the batch runner's scheduling and stepping, driven by the runner thread only.

/// Everything the runner thread owns: the forward pass, the KV block allocator, the waiting and
/// running sequences, and the scratch for one step.
final class RunnerCore: @unchecked Sendable {
    // Safety: only the runner thread calls into this object (see BatchRunner.loop).
    let transformer: Transformer
    let configuration: RunnerConfiguration
    var allocator: KVBlockAllocator
    var waiting: [RunnerSequence] = []
    var running: [RunnerSequence] = []
    /// Sequences their scheduler suspended: no blocks, tokens kept, out of the batch until resumed.
    var parked: [RunnerSequence] = []
    var statistics = RunnerStatistics()
    private var ticket = 0
    private var batch = ForwardBatch()
    private var outputs: [(sequence: RunnerSequence, row: Int)] = []
    let hidden: UnsafeMutablePointer<Float>
    let logits: UnsafeMutablePointer<Float>

    init(transformer: Transformer, configuration: RunnerConfiguration) {
        self.transformer = transformer
        self.configuration = configuration
        allocator = KVBlockAllocator(blockSize: transformer.cache.blockSize, blockCount: transformer.cache.blockCount)
        let c = transformer.configuration
        hidden = .allocate(capacity: configuration.maxSequences * c.embeddingLength)
        logits = .allocate(capacity: configuration.maxSequences * c.vocabularySize)
        statistics.totalBlocks = allocator.blockCount
    }

    deinit {
        hidden.deallocate()
        logits.deallocate()
    }

    var blockSize: Int { allocator.blockSize }

    func enqueue(_ sequences: [RunnerSequence]) {
        waiting.append(contentsOf: sequences)
    }

    /// Ends every sequence (used at shutdown).
    func cancelAll() {
        for s in running { finish(s, .cancelled) }
        for s in waiting + parked { finish(s, .cancelled, release: false) }
        running.removeAll()
        waiting.removeAll()
        parked.removeAll()
    }

    /// Runs one forward step. Returns false when there was nothing to do.
    func step() -> Bool {
        dropCancelled()
        park()
        admit()
        guard !running.isEmpty else {
            updateStatistics()
            return false
        }
        buildBatch()
        guard batch.count > 0 else {
            updateStatistics()
            return !running.isEmpty
        }
        transformer.forward(batch, hidden: hidden)
        if !outputs.isEmpty {
            transformer.logits(hidden: hidden, rows: outputs.count, into: logits)
        }
        for s in sequenceForTable { s.computed += chunkSizes[s.id] ?? 0 }
        sampleAndEmit()
        registerFullBlocks()
        statistics.steps += 1
        statistics.processedTokens += batch.count
        updateStatistics()
        return true
    }

    // MARK: admission and memory

    private func dropCancelled() {
        running.removeAll { s in
            if s.isCancelled {
                finish(s, .cancelled)
                return true
            }
            return false
        }
        waiting.removeAll { s in
            if s.isCancelled {
                finish(s, .cancelled, release: false)
                return true
            }
            return false
        }
        parked.removeAll { s in
            if s.isCancelled {
                finish(s, .cancelled, release: false)
                return true
            }
            return false
        }
    }

    /// Moves suspended sequences out of the batch (releasing their memory, keeping their tokens) and
    /// resumed ones back to the front of the queue, where they recompute like sequences preempted for memory.
    private func park() {
        // Each flag is read once: another thread may move it at any time.
        var resumed: [RunnerSequence] = []
        var stillParked: [RunnerSequence] = []
        for s in parked {
            if s.isSuspended { stillParked.append(s) } else { resumed.append(s) }
        }
        parked = stillParked
        running.removeAll { s in
            guard s.isSuspended else { return false }
            registerFullBlocks(of: s)
            for b in s.blocks { allocator.release(b) }
            s.blocks = []
            s.blockHashes = []
            s.computed = 0
            parked.append(s)
            statistics.suspensions += 1
            return true
        }
        waiting.removeAll { s in
            guard s.isSuspended else { return false }
            parked.append(s)
            return true
        }
        waiting.insert(contentsOf: resumed, at: 0)
    }

    /// Admits waiting sequences in arrival order while slots and memory allow.
    private func admit() {
        while running.count < configuration.maxSequences, let s = waiting.first {
            guard tryAdmit(s) else { break }
            waiting.removeFirst()
        }
    }

    private func tryAdmit(_ s: RunnerSequence) -> Bool {
        let bs = blockSize
        // Reuse cached blocks for the prompt's leading full blocks, always leaving the last token
        // to compute (its logits are needed).
        let reusable = (s.tokens.count - 1) / bs
        var acquired: [Int32] = []
        var hashes: [UInt64] = []
        var parent: UInt64 = 0
        for i in 0..<reusable {
            let h = KVBlockAllocator.chainHash(parent: parent, tokens: s.tokens[(i * bs)..<((i + 1) * bs)])
            guard let block = allocator.acquireCached(hash: h) else { break }
            acquired.append(block)
            hashes.append(h)
            parent = h
        }
        let totalBlocks = (s.tokens.count + bs - 1) / bs
        let needed = totalBlocks - acquired.count
        let headroom = running.count
        guard allocator.availableBlocks >= needed + headroom || (running.isEmpty && allocator.availableBlocks >= needed) else {
            for b in acquired { allocator.release(b) }
            return false
        }
        s.blocks = acquired
        s.blockHashes = hashes
        s.computed = acquired.count * bs
        if !s.promptReported {
            s.cachedPromptTokens = min(s.computed, s.promptCount)
            statistics.prefixCachedTokens += s.cachedPromptTokens
        }
        ticket += 1
        s.admissionTicket = ticket
        running.append(s)
        return true
    }

    /// Makes `s` hold blocks for positions `0 ..< positions`, preempting newer sequences if needed.
    private func ensureBlocks(_ s: RunnerSequence, positions: Int) -> Bool {
        while s.blocks.count * blockSize < positions {
            if let b = allocator.allocate() {
                s.blocks.append(b)
                continue
            }
            guard
                let victim = running.filter({ $0 !== s && $0.admissionTicket > s.admissionTicket }).max(by: {
                    $0.admissionTicket < $1.admissionTicket
                })
            else {
                return false
            }
            preempt(victim)
        }
        return true
    }

    /// Releases a sequence's memory and puts it back at the front of the queue; it will resume by
    /// recomputing its tokens (mostly from the prefix cache).
    private func preempt(_ s: RunnerSequence) {
        for b in s.blocks { allocator.release(b) }
        s.blocks = []
        s.blockHashes = []
        s.computed = 0
        running.removeAll { $0 === s }
        waiting.insert(s, at: 0)
        statistics.preemptions += 1
    }

    private func finish(_ s: RunnerSequence, _ reason: SequenceEndReason, release: Bool = true) {
        if release {
            for b in s.blocks { allocator.release(b) }
            s.blocks = []
        }
        s.continuation.yield(.finished(reason))
        s.continuation.finish()
    }

    // MARK: one step

    private var sequenceForTable: [RunnerSequence] = []
    private var chunkSizes: [Int: Int] = [:]

    private func buildBatch() {
        batch.removeAll()
        outputs.removeAll(keepingCapacity: true)
        sequenceForTable.removeAll(keepingCapacity: true)
        chunkSizes.removeAll(keepingCapacity: true)
        let ordered = running.sorted { $0.admissionTicket < $1.admissionTicket }
        let decoding = ordered.filter { $0.pending == 1 }.count
        var budget = configuration.maxBatchTokens
        var prefillBudget = decoding > 0 ? max(configuration.prefillChunkWhileDecoding, 1) : budget
        for s in ordered where running.contains(where: { $0 === s }) {
            let pending = s.pending
            var chunk: Int
            if pending == 1 {
                chunk = 1
            } else {
                chunk = min(pending, prefillBudget)
            }
            chunk = min(chunk, budget)
            guard chunk > 0 else { continue }
            guard ensureBlocks(s, positions: s.computed + chunk) else {
                preempt(s)
                continue
            }
            if pending > 1 { prefillBudget -= chunk }
            budget -= chunk
            let table = batch.addSequence(blocks: s.blocks)
            sequenceForTable.append(s)
            chunkSizes[s.id] = chunk
            let last = s.computed + chunk == s.tokens.count
            for p in s.computed..<(s.computed + chunk) {
                let row = batch.add(token: s.tokens[p], position: p, sequence: table, output: last && p == s.tokens.count - 1)
                if last && p == s.tokens.count - 1 { outputs.append((s, row)) }
            }
        }
        // Sequences preempted after they were added cannot exist: only newer ones are preempted,
        // and they are visited later in admission order.
    }

    private func sampleAndEmit() {
        guard !outputs.isEmpty else { return }
        let vocabulary = transformer.configuration.vocabularySize
        let logits = self.logits
        var results = [Result<SampledToken, SamplingError>?](repeating: nil, count: outputs.count)
        let outputs = self.outputs
        results.withUnsafeMutableBufferPointer { buffer in
            let results = buffer.baseAddress!
            let sample: (Int) -> Void = { j in
                let s = outputs[j].sequence
                let row = UnsafeMutableBufferPointer(start: logits + j * vocabulary, count: vocabulary)
                do throws(SamplingError) {
                    results[j] = .success(try s.sampler.sample(logits: row))
                } catch {
                    results[j] = .failure(error)
                }
            }
            if outputs.count > 1 {
                transformer.pool.run(chunks: outputs.count, sample)
            } else {
                sample(0)
            }
        }
        for (j, output) in outputs.enumerated() {
            let s = output.sequence
            guard let result = results[j] else { continue }
            let token: SampledToken
            switch result {
            case .success(let t): token = t
            case .failure(let error):
                running.removeAll { $0 === s }
                for b in s.blocks { allocator.release(b) }
                s.blocks = []
                s.continuation.finish(throwing: error)
                continue
            }
            if !s.promptReported {
                s.promptReported = true
                s.continuation.yield(.promptProcessed(promptTokens: s.promptCount, cachedTokens: s.cachedPromptTokens))
            }
            s.sampler.accept(token.id)
            s.tokens.append(token.id)
            statistics.generatedTokens += 1
            s.continuation.yield(.token(token))
            if s.stopTokens.contains(token.id) {
                complete(s, .stop)
            } else if s.generatedCount >= s.maxTokens || s.tokens.count >= configuration.contextLength {
                complete(s, .length)
            }
        }
    }

    private func complete(_ s: RunnerSequence, _ reason: SequenceEndReason) {
        registerFullBlocks(of: s)
        running.removeAll { $0 === s }
        finish(s, reason)
    }

    private func registerFullBlocks() {
        for s in running { registerFullBlocks(of: s) }
    }

    /// Registers the sequence's newly full blocks in the prefix cache under their chain hashes.
    private func registerFullBlocks(of s: RunnerSequence) {
        let bs = blockSize
        let full = min(s.computed / bs, s.blocks.count)
        while s.blockHashes.count < full {
            let i = s.blockHashes.count
            let parent = i == 0 ? 0 : s.blockHashes[i - 1]
            let h = KVBlockAllocator.chainHash(parent: parent, tokens: s.tokens[(i * bs)..<((i + 1) * bs)])
            allocator.register(s.blocks[i], hash: h)
            s.blockHashes.append(h)
        }
    }

    private func updateStatistics() {
        statistics.activeSequences = running.count
        statistics.waitingSequences = waiting.count
        statistics.suspendedSequences = parked.count
        statistics.usedBlocks = allocator.usedBlocks
        statistics.cachedBlocks = allocator.cachedIdleBlocks
    }
}
