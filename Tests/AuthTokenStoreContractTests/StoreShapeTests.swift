import Foundation
import Testing

/// The stores' shape (docs/architecture.md, "The stores"), read from the sources: what one
/// backend implements itself, the other implements in the file of the same name, and every
/// shared statement is run by the shared code or by both backends. A statement or method
/// added for one backend and not the other fails here.
@Suite struct StoreShapeTests {
    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")
    /// Files only one backend has, and why.
    static let ownFiles: Set<String> = [
        "SQLiteStore+Backup.swift",  // `authtoken-admin backup`: SQLite's online backup of its one file
    ]
    /// Twins that implement the two halves of one act (a source exports, a target imports).
    static let halves: Set<String> = ["Transfer"]

    @Test func everyBackendFileHasItsTwinOfTheSameName() throws {
        let sqlite = try Self.aggregates("AuthTokenSQLite", "SQLiteStore")
        let postgres = try Self.aggregates("AuthTokenPostgres", "PostgresStore")
        #expect(Set(sqlite.keys) == Set(postgres.keys))
        #expect(!sqlite.isEmpty)
    }

    @Test func twinFilesImplementTheSameMethodsAndStatements() throws {
        let sqlite = try Self.aggregates("AuthTokenSQLite", "SQLiteStore")
        let postgres = try Self.aggregates("AuthTokenPostgres", "PostgresStore")
        for (aggregate, text) in sqlite where !Self.halves.contains(aggregate) {
            let twin = postgres[aggregate] ?? ""
            #expect(Self.functions(text) == Self.functions(twin), "SQLiteStore+\(aggregate) and PostgresStore+\(aggregate)")
            #expect(Self.statements(text) == Self.statements(twin), "SQLiteStore+\(aggregate) and PostgresStore+\(aggregate)")
        }
    }

    @Test func everySharedStatementIsRunByTheSharedCodeOrByBothBackends() throws {
        let shared = try Self.texts("AuthTokenSQL")
        let declared = shared.flatMap(Self.statements)
        #expect(declared.count > 50)
        let sqlite = try Self.texts("AuthTokenSQLite").joined()
        let postgres = try Self.texts("AuthTokenPostgres").joined()
        let sharedCode = shared.joined()
        for name in declared {
            let inBoth = Self.uses(sqlite, name) && Self.uses(postgres, name)
            #expect(Self.uses(sharedCode, name) || inBoth, "StoreSQL.\(name) is run by one backend only, or by none")
        }
    }

    /// The scanner itself: labels count, generic clauses and closure types do not.
    @Test func theScannerReadsSignatures() {
        let text = """
            public func grant(digest: String) throws -> TokenGrant? {
            func transaction<T>(_ body: (Connection, Int) throws -> T) throws -> T {
            static let lockAccount = SQLStatement("SELECT 1")
            """
        #expect(Self.functions(text) == ["grant(digest:)", "transaction(_:)"])
        #expect(Self.statements(text) == ["lockAccount"])
    }

    // MARK: Reading the sources

    /// `Prefix+Aggregate.swift` files of a backend, by aggregate, less `ownFiles`.
    static func aggregates(_ module: String, _ prefix: String) throws -> [String: String] {
        let directory = sources.appendingPathComponent(module)
        var result: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path)
        where name.hasPrefix(prefix + "+") && name.hasSuffix(".swift") && !ownFiles.contains(name) {
            let aggregate = String(name.dropFirst(prefix.count + 1).dropLast(".swift".count))
            result[aggregate] = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        }
        return result
    }

    static func texts(_ module: String) throws -> [String] {
        let directory = sources.appendingPathComponent(module)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            .filter { $0.hasSuffix(".swift") }
            .map { try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
    }

    /// `name(label:label:)` of every `func` declared.
    static func functions(_ text: String) -> Set<String> {
        var result: Set<String> = []
        var rest = Substring(text)
        while let found = rest.range(of: "func ") {
            rest = rest[found.upperBound...]
            let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            guard !name.isEmpty, var open = rest.firstIndex(of: "(") else { continue }
            if let generic = rest.firstIndex(of: "<"), generic < open,
               let close = rest[generic...].firstIndex(of: ">"), let next = rest[close...].firstIndex(of: "(") {
                open = next
            }
            var depth = 0, labels: [String] = [], parameter = ""
            var index = open
            var previous: Character = " "
            while index < rest.endIndex {
                let character = rest[index]
                defer { previous = character }
                if character == "(" || character == "[" || character == "<" { depth += 1 }
                if character == ")" || character == "]" || (character == ">" && previous != "-") { depth -= 1 }
                if depth == 0 || (depth == 1 && character == ",") {
                    let label = parameter.trimmingCharacters(in: .whitespacesAndNewlines)
                        .prefix { $0 != " " && $0 != ":" }
                    if !label.isEmpty { labels.append(label + ":") }
                    parameter = ""
                    if depth == 0 { break }
                } else if !(depth == 1 && character == "(" && parameter.isEmpty && labels.isEmpty && index == open) {
                    parameter.append(character)
                }
                index = rest.index(after: index)
            }
            result.insert("\(name)(\(labels.joined()))")
        }
        return result
    }

    /// `StoreSQL.name` appears in `text` (as a whole name).
    static func uses(_ text: String, _ name: String) -> Bool {
        var rest = Substring(text)
        while let found = rest.range(of: "StoreSQL.\(name)") {
            rest = rest[found.upperBound...]
            guard let next = rest.first else { return true }
            if !(next.isLetter || next.isNumber || next == "_") { return true }
        }
        return false
    }

    /// Names of the `SQLStatement`s declared (`static let name = SQLStatement(`).
    static func statements(_ text: String) -> [String] {
        text.components(separatedBy: "static let ").dropFirst().compactMap { declaration in
            let name = declaration.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            return declaration.dropFirst(name.count).hasPrefix(" = SQLStatement(") ? String(name) : nil
        }
    }
}
