import AuthTokenCore
import CLDAP
import Foundation

/// `Directory` over OpenLDAP's libldap (Debian's `libldap-dev`): there is no LDAP client
/// among the Swift packages this project can use, and libldap is the client OpenLDAP, 389 DS
/// and Active Directory tooling on Linux is tested against (docs/directory.md).
///
/// Each call opens a connection of its own (`ldap_initialize`, then StartTLS for `ldap://`),
/// with the connect and operation timeouts, certificate verification and the CA file set on
/// that handle only, referrals off; and closes it. Nothing here logs or keeps a password.
public struct LDAPDirectory: Directory {
    let settings: DirectorySettings

    public init(settings: DirectorySettings) {
        self.settings = settings
    }

    public func search(base: String, scope: DirectoryScope, filter: String, attributes: [String]) throws
        -> [DirectoryEntry]
    {
        let ld = try connect()
        defer { _ = ldap_unbind_ext_s(ld, nil, nil) }
        guard try simpleBind(ld, dn: settings.bindDN, password: settings.bindPassword) else {
            throw DirectoryUnavailable("the search account's bind was refused (AUTHTOKEN_DIRECTORY_BIND_DN)")
        }
        var timeout = Self.timeval(settings.operationTimeout)
        var message: OpaquePointer?
        defer { if message != nil { ldap_msgfree(message) } }
        let rc = Self.withCStringArray(attributes) { names in
            ldap_search_ext_s(
                ld, base, scope == .base ? 0 /* LDAP_SCOPE_BASE */ : 2 /* LDAP_SCOPE_SUBTREE */, filter, names, 0, nil, nil, &timeout, 0, &message)
        }
        if rc == LDAP_NO_SUCH_OBJECT { return [] }  // the base (a group, an entry) is gone
        guard rc == LDAP_SUCCESS else { throw DirectoryUnavailable("search: \(Self.describe(rc))") }
        var entries: [DirectoryEntry] = []
        var entry = ldap_first_entry(ld, message)
        while let current = entry {
            entries.append(Self.read(ld, current))
            entry = ldap_next_entry(ld, current)
        }
        return entries
    }

    public func bind(dn: String, password: String) throws -> Bool {
        let ld = try connect()
        defer { _ = ldap_unbind_ext_s(ld, nil, nil) }
        return try simpleBind(ld, dn: dn, password: password)
    }

    /// A simple bind: true on success, false on "invalid credentials", else unavailable.
    private func simpleBind(_ ld: OpaquePointer, dn: String, password: String) throws -> Bool {
        var bytes = Array(password.utf8)
        let rc = bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(1, buffer.count)) { pointer in
                var credential = berval(bv_len: ber_len_t(buffer.count), bv_val: buffer.count == 0 ? nil : pointer)
                return ldap_sasl_bind_s(ld, dn, nil, &credential, nil, nil, nil)
            }
        }
        for index in bytes.indices { bytes[index] = 0 }
        switch rc {
        case LDAP_SUCCESS: return true
        case LDAP_INVALID_CREDENTIALS: return false
        default: throw DirectoryUnavailable("bind: \(Self.describe(rc))")
        }
    }

    /// A handle with the options set, connected (and StartTLS done for `ldap://`).
    private func connect() throws -> OpaquePointer {
        var handle: OpaquePointer?
        guard ldap_initialize(&handle, settings.url) == LDAP_SUCCESS, let ld = handle else {
            throw DirectoryUnavailable("cannot use the URL in AUTHTOKEN_DIRECTORY_URL")
        }
        do {
            try option(ld, LDAP_OPT_PROTOCOL_VERSION, LDAP_VERSION3)
            guard ldap_set_option(ld, LDAP_OPT_REFERRALS, nil) == LDAP_SUCCESS else {  // nil: LDAP_OPT_OFF
                throw DirectoryUnavailable("cannot turn referrals off")
            }
            var connectTimeout = Self.timeval(settings.connectTimeout)
            var operationTimeout = Self.timeval(settings.operationTimeout)
            try check(ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &connectTimeout), "network timeout")
            try check(ldap_set_option(ld, LDAP_OPT_TIMEOUT, &operationTimeout), "timeout")
            try option(ld, LDAP_OPT_TIMELIMIT, Int32(max(1, settings.operationTimeout.rounded(.up))))
            // A certificate that does not verify ends the connection, unless verification is off.
            try option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, settings.verifyCertificate ? LDAP_OPT_X_TLS_HARD : LDAP_OPT_X_TLS_NEVER)
            if let caFile = settings.caFile {
                try check(ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, caFile), "CA file")
            }
            try option(ld, LDAP_OPT_X_TLS_NEWCTX, 0)  // this handle's own TLS context, from the options above
            if settings.startTLS {
                let rc = ldap_start_tls_s(ld, nil, nil)
                guard rc == LDAP_SUCCESS else { throw DirectoryUnavailable("StartTLS: \(Self.describe(rc))") }
            }
            return ld
        } catch {
            _ = ldap_unbind_ext_s(ld, nil, nil)
            throw error
        }
    }

    private func option(_ ld: OpaquePointer, _ name: Int32, _ value: Int32) throws {
        var value = value
        try check(ldap_set_option(ld, name, &value), "option \(name)")
    }

    private func check(_ rc: Int32, _ what: String) throws {
        guard rc == LDAP_SUCCESS else { throw DirectoryUnavailable("cannot set \(what)") }
    }

    private static func read(_ ld: OpaquePointer, _ entry: OpaquePointer) -> DirectoryEntry {
        var dn = ""
        if let raw = ldap_get_dn(ld, entry) {
            dn = String(cString: raw)
            ldap_memfree(raw)
        }
        var attributes: [String: [String]] = [:]
        var ber: OpaquePointer?
        var name = ldap_first_attribute(ld, entry, &ber)
        while let current = name {
            let key = String(cString: current)
            if let values = ldap_get_values_len(ld, entry, current) {
                var index = 0
                var list: [String] = []
                while let value = values[index] {
                    let buffer = UnsafeRawBufferPointer(start: value.pointee.bv_val, count: Int(value.pointee.bv_len))
                    list.append(String(decoding: buffer, as: UTF8.self))
                    index += 1
                }
                ldap_value_free_len(values)
                attributes[key] = list
            }
            ldap_memfree(current)
            name = ldap_next_attribute(ld, entry, ber)
        }
        if ber != nil { ber_free(ber, 0) }
        return DirectoryEntry(dn: dn, attributes: attributes)
    }

    private static func describe(_ rc: Int32) -> String {
        "\(String(cString: ldap_err2string(rc))) (\(rc))"
    }

    private static func timeval(_ seconds: TimeInterval) -> Glibc.timeval {
        let whole = max(0, seconds.rounded(.down))
        return Glibc.timeval(tv_sec: Int(whole), tv_usec: Int((seconds - whole) * 1_000_000))
    }

    /// A NULL-terminated array of C strings for `body`.
    private static func withCStringArray<T>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> T) -> T {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }
}
