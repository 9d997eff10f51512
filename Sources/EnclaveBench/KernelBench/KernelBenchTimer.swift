// Enclave bench: how `KernelBench` times a kernel call.

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Timing: median of repetitions, thread CPU time by default (time the thread spends preempted by other
/// processes on a shared machine does not count), and one reusable buffer for the cold copies.
final class KernelBenchTimer {
    let reps: Int
    let seconds: Double
    let wallClock: Bool
    private var coldBuffer: UnsafeMutableRawPointer?
    private var coldCapacity = 0

    init(reps: Int, seconds: Double, wallClock: Bool) {
        self.reps = reps
        self.seconds = seconds
        self.wallClock = wallClock
    }

    deinit { coldBuffer?.deallocate() }

    func now() -> Double {
        var ts = timespec()
        clock_gettime(wallClock ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Median seconds per call; each repetition calls `body` (with a running index) for at least `seconds`,
    /// reading the clock only between growing batches of calls (a CPU-time read costs a system call).
    func perCall(_ body: (Int) -> Void) -> Double {
        var index = 0
        body(index)  // warm-up
        index += 1
        var samples: [Double] = []
        var batch = 1
        for _ in 0..<reps {
            let start = now()
            var calls = 0
            while true {
                for _ in 0..<batch {
                    body(index)
                    index += 1
                }
                calls += batch
                let elapsed = now() - start
                if elapsed >= seconds {
                    samples.append(elapsed / Double(calls))
                    break
                }
                if elapsed * 16 < seconds { batch *= 2 }
            }
        }
        return Statistics.median(samples)
    }

    /// The number of rows (at most `available`) for which one call takes about one repetition, so slow paths
    /// (scalar, large batches) are measured on a leading slice of rows instead of taking minutes.
    func rowsFor(available: Int, _ body: (Int) -> Void) -> Int {
        var rows = min(available, 16)
        while rows < available {
            let start = now()
            body(rows)
            let t = now() - start
            if t >= seconds / 4 { return min(available, max(1, Int(Double(rows) * seconds / t))) }
            rows = min(available, rows * 4)
        }
        return available
    }

    /// Seconds per call of `body` on copies of `m` totalling at least 256 MB, one copy per call, so the weights
    /// always come from DRAM.
    func cold(_ m: KernelBench.Matrix, _ body: (UnsafeRawPointer) -> Void) -> Double {
        let copies = max(2, (KernelBench.coldBytes + m.bytes - 1) / m.bytes)
        if coldCapacity < copies * m.bytes {
            coldBuffer?.deallocate()
            coldCapacity = copies * m.bytes
            coldBuffer = UnsafeMutableRawPointer.allocate(byteCount: coldCapacity, alignment: 64)
        }
        let buffer = coldBuffer!
        for c in 0..<copies { (buffer + c * m.bytes).copyMemory(from: m.data, byteCount: m.bytes) }
        return perCall { body(UnsafeRawPointer(buffer + ($0 % copies) * m.bytes)) }
    }
}
