import Foundation
import Logging

/// How confirmation links reach people: a sendmail-style command, or the server log.
public enum Mailer: Sendable {
    /// No mail system: the link goes to the server log (at notice level), the one place a
    /// secret-bearing link is ever logged, so an admin can pass it on.
    case log
    /// Run through `/bin/sh -c` with the whole message (headers, blank line, text) on
    /// standard input, e.g. `/usr/sbin/sendmail -t -i`.
    case command(String)

    /// True when the message was handed over (the command exited 0, or it was logged).
    /// `address` is an `EmailAddress` value: checked, so it cannot add a header line.
    func send(to address: String, subject: String, text: String, link: String?, logger: Logger) -> Bool {
        switch self {
        case .log:
            if let link {
                logger.notice("mail with a link not sent (AUTHTOKEN_SENDMAIL is not set)",
                              metadata: ["to": "\(address)", "subject": "\(subject)", "link": "\(link)"])
            } else {
                logger.notice("mail not sent (AUTHTOKEN_SENDMAIL is not set)", metadata: ["to": "\(address)", "subject": "\(subject)"])
            }
            return true
        case .command(let command):
            let message = "To: \(address)\nSubject: \(Self.headerText(subject))\nMIME-Version: 1.0\n"
                + "Content-Type: text/plain; charset=UTF-8\n\n\(text)"
            do {
                let status = try Self.run(command, input: Data(message.utf8))
                if status != 0 { logger.error("AUTHTOKEN_SENDMAIL failed", metadata: ["status": "\(status)"]) }
                return status == 0
            } catch {
                logger.error("AUTHTOKEN_SENDMAIL could not start", metadata: ["error": "\(error)"])
                return false
            }
        }
    }

    /// A header value as RFC 2047 wants it: ASCII as it is; anything else (a token's name
    /// in a notice) as UTF-8 base64 encoded words of at most 75 characters, folded onto
    /// continuation lines, never splitting a character.
    @_spi(Testing) public static func headerText(_ text: String) -> String {
        guard !text.allSatisfy(\.isASCII) else { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\n ")
    }

    static func run(_ command: String, input: Data) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardInput = pipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        pipe.fileHandleForWriting.write(input)
        try pipe.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
