import Foundation

/// Reads a password from standard input: one line from a pipe, or typed at a prompt with
/// echo off. Never from the command line, where `ps` and shell history would keep it.
enum PasswordInput {
    static func read(prompt: String) throws -> String {
        let password: String?
        if isatty(STDIN_FILENO) == 1 {
            password = readHidden(prompt: prompt)
        } else {
            password = readLine(strippingNewline: true)
        }
        guard let password, !password.isEmpty else { throw AdminError("no password given on standard input") }
        return password
    }

    private static func readHidden(prompt: String) -> String? {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}

/// A clear message and a non-zero exit.
struct AdminError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
