// Enclave: reading a password from standard input or, without echo, from the terminal.

import EnclaveCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads passwords for `users create --password-stdin` and `users passwd`: one line from standard input
/// (the line break removed), or a prompt on the terminal with echo off. A password
/// ``PasswordHasher/problem(with:)`` refuses (empty, shorter than 8 characters, …) fails the command before
/// anything is changed.
enum PasswordInput {
    /// Whether standard input is a terminal.
    static func isStandardInputATerminal() -> Bool {
        isatty(STDIN_FILENO) == 1
    }

    /// One line of standard input, checked.
    static func readStandardInput() throws -> String {
        guard let line = Swift.readLine(strippingNewline: true) else {
            throw CommandFailure("no password on standard input (send one line, for example: printf '%s\\n' \"$PASSWORD\" | enclave ...)")
        }
        return try checked(line.hasSuffix("\r") ? String(line.dropLast()) : line)
    }

    /// Asks on the terminal with echo off, then checks the answer.
    ///
    /// Echo goes off before the prompt is written (discarding what was typed before it, as `getpass` does)
    /// and comes back without discarding anything: an answer typed the moment the prompt shows is kept.
    /// (Flushing after the prompt lost such an answer and left the command waiting for a line forever.)
    static func prompt(_ text: String) throws -> String {
        var original = termios()
        let hasTerminal = tcgetattr(STDIN_FILENO, &original) == 0
        if hasTerminal {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if hasTerminal { tcsetattr(STDIN_FILENO, TCSANOW, &original) }
            FileHandle.standardError.write(Data("\n".utf8))
        }
        FileHandle.standardError.write(Data(text.utf8))
        guard let line = Swift.readLine(strippingNewline: true) else { throw CommandFailure("no password was typed") }
        return try checked(line)
    }

    private static func checked(_ password: String) throws -> String {
        if let problem = PasswordHasher.problem(with: password) { throw CommandFailure("refused password: \(problem)") }
        return password
    }
}
