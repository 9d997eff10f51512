// Enclave: writing to the terminal.

import Foundation

/// Output for people, on standard output (logs go to standard error), flushed at once so that a process
/// reading the pipe (a test fixture, a supervisor) sees each line when it is written.
enum Console {
    static func print(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
