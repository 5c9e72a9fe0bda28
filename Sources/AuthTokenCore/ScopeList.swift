/// The scopes this installation issues tokens for, each `Service/apiname`.
///
/// Clients name scopes loosely: several comma-separated, in any letter case, and one old
/// client sends only the api half (`invoiceapi`). `resolve` maps all of those onto the
/// configured spelling, and refuses anything it cannot map unambiguously.
public struct ScopeList: Sendable, Equatable {
    public let scopes: [String]
    /// Look-ups by lower-cased full name and by lower-cased api half, so resolving a long
    /// `SCOPE` costs one hash per name, not a pass over the configured list.
    private let byName: [String: String]
    private let byAPIName: [String: [String]]

    public static let defaults = [
        "ZohoRecruit/recruitapi", "ZohoCRM/crmapi", "ZohoInventory/inventoryapi",
        "ZohoInvoice/invoiceapi", "ZohoProjects/projectsapi", "ZohoPC/docsapi",
    ]

    /// Fails with the first entry that is not `Service/apiname` of letters, digits, `_.-`.
    public init(_ scopes: [String]) throws(ScopeError) {
        for scope in scopes where !Self.isWellFormed(scope) {
            throw .malformed(scope)
        }
        guard !scopes.isEmpty else { throw .missing }
        self.scopes = scopes
        byName = Dictionary(scopes.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        byAPIName = Dictionary(grouping: scopes, by: { $0.split(separator: "/").last?.lowercased() ?? "" })
    }

    /// Parses a `SCOPE` parameter into configured scopes, without duplicates, in the order given.
    public func resolve(_ parameter: String?) throws(ScopeError) -> [String] {
        guard let parameter, !parameter.isEmpty else { throw .missing }
        var result: [String] = []
        for raw in parameter.split(separator: ",", omittingEmptySubsequences: false) {
            let name = raw.trimmingSpaces()
            guard !name.isEmpty else { throw .malformed(parameter) }
            let scope = try match(name)
            if !result.contains(scope) { result.append(scope) }
        }
        return result
    }

    private func match(_ name: String) throws(ScopeError) -> String {
        let wanted = name.lowercased()
        if name.contains("/") {
            guard Self.isWellFormed(name) else { throw .malformed(name) }
            if let scope = byName[wanted] { return scope }
            throw .unknown(name)
        }
        guard Self.isPart(name[...]) else { throw .malformed(name) }
        let candidates = byAPIName[wanted] ?? []
        guard candidates.count == 1 else { throw .unknown(name) }
        return candidates[0]
    }

    static func isWellFormed(_ scope: String) -> Bool {
        let parts = scope.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy(isPart)
    }

    static func isPart(_ part: Substring) -> Bool {
        !part.isEmpty && part.count <= 64 && part.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0))
        }
    }
}

public enum ScopeError: Error, Equatable, Sendable {
    case missing
    case malformed(String)
    case unknown(String)
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
