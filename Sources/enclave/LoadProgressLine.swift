// Enclave: the live progress line of `enclave bench run` on standard error.

import EnclaveLoad
import Foundation

/// Rewrites one line on a terminal (or prints a line every few seconds elsewhere with `--progress`).
struct LoadProgressLine: Sendable {
    let label: String
    let enabled: Bool
    let terminal: Bool

    func show(_ progress: LoadProgress) {
        guard enabled else { return }
        let phase = progress.warmingUp ? "warm-up" : label
        let rate = progress.elapsed > 0 ? Double(progress.completionTokens) / progress.elapsed : 0
        let line =
            "\(phase)  \(String(format: "%.1f", progress.elapsed))s  done \(progress.finished)  failed \(progress.failed)"
            + "  in flight \(progress.inFlight)  \(String(format: "%.1f", rate)) tok/s"
        if terminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
        } else if Int(progress.elapsed * 2) % 4 == 0 {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    func end() {
        if enabled && terminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
