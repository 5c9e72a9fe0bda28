// swift-tools-version:6.0
//
// Dependencies point one way: executables → AuthTokenWeb → AuthTokenCore → AuthTokenStore.
// AuthTokenSQLite and AuthTokenPostgres implement AuthTokenStore (sharing AuthTokenSQL); only AuthTokenBackends
// (used by the executables to open the configured one) knows them. FastCGI knows nothing of
// the web layer; the executable adapts one to the other. Every target lists what it imports.
import PackageDescription

let package = Package(
    name: "authtoken",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "authtoken-fcgi", targets: ["authtoken-fcgi"]),
        .executable(name: "authtoken-admin", targets: ["authtoken-admin"]),
        // For the fuzzing package in Tests/Fuzz, which can only depend on products.
        .library(name: "AuthTokenWeb", targets: ["AuthTokenWeb"]),
        .library(name: "FastCGI", targets: ["FastCGI"]),
        .library(name: "WebAuthn", targets: ["WebAuthn"]),
        .library(name: "HTTPCheck", targets: ["HTTPCheck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(name: "CFastCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // OpenLDAP's client library: no LDAP client is among the Swift packages we can use (issue 24).
        .systemLibrary(name: "CLDAP", pkgConfig: "ldap", providers: [.apt(["libldap-dev"])]),

        // Threads with an owner: the background-task shape, joinable threads, thread-locals.
        .target(name: "Lifecycle"),
        .target(name: "FastCGI", dependencies: ["CFastCGI", "Lifecycle"]),
        // The token check over HTTP/1.1 with kept connections: a strict parser and an epoll
        // listener. Like FastCGI, it knows nothing of the web layer (issue 22).
        .systemLibrary(name: "CEpoll"),
        .target(name: "HTTPCheck", dependencies: ["CEpoll", "Lifecycle"]),
        .target(name: "AuthTokenStore"),
        // WebAuthn (passkeys): a strict CBOR decoder, COSE keys, and the relying party's checks.
        .target(name: "WebAuthn", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The SQL both backends share: statements written once, the row-reading and executor
        // protocols, and the store methods written once over either backend (docs/architecture.md).
        .target(name: "AuthTokenSQL", dependencies: ["AuthTokenStore"]),
        .target(
            name: "AuthTokenSQLite",
            dependencies: ["AuthTokenStore", "AuthTokenSQL", "Lifecycle", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // PostgreSQL backend (issue 11): libpq connections and PostgresStore.
        .target(
            name: "AuthTokenPostgres",
            dependencies: ["CLibPQ", "AuthTokenStore", "AuthTokenSQL", "Lifecycle"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .target(
            name: "AuthTokenCore",
            dependencies: [
                "AuthTokenStore", "CArgon2", "Lifecycle", "WebAuthn",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "AuthTokenWeb",
            dependencies: [
                "AuthTokenCore", "AuthTokenStore", "CQRencode",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "AuthTokenConfig",
            dependencies: [
                "AuthTokenCore", "FastCGI", "HTTPCheck",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Sign-in against a directory: `Directory` over libldap (docs/directory.md).
        .target(name: "AuthTokenLDAP", dependencies: ["CLDAP", "AuthTokenCore"]),
        // The one place that knows every backend: AUTHTOKEN_DATABASE picks one.
        .target(name: "AuthTokenBackends", dependencies: ["AuthTokenStore", "AuthTokenSQLite", "AuthTokenPostgres"]),
        .executableTarget(
            name: "authtoken-fcgi",
            dependencies: [
                "FastCGI", "HTTPCheck", "AuthTokenWeb", "AuthTokenConfig", "AuthTokenBackends", "AuthTokenCore", "Lifecycle",
                "AuthTokenLDAP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "authtoken-admin",
            dependencies: [
                "AuthTokenCore", "AuthTokenStore", "AuthTokenConfig", "AuthTokenBackends", "AuthTokenWeb",
                "AuthTokenLDAP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .target(
            name: "AuthTokenTestKit",
            dependencies: [
                "AuthTokenCore", "AuthTokenStore", "AuthTokenSQLite", "WebAuthn", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "FastCGITests", dependencies: ["FastCGI"]),
        .testTarget(name: "HTTPCheckTests", dependencies: ["HTTPCheck"]),
        .testTarget(name: "LifecycleTests", dependencies: ["Lifecycle"]),
        .testTarget(name: "WebAuthnTests", dependencies: ["WebAuthn", "AuthTokenTestKit", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "AuthTokenConfigTests", dependencies: ["AuthTokenConfig"]),
        // Runs against a real directory: AUTHTOKEN_TEST_LDAP_DIR, a scripts/ldap-dir directory.
        .testTarget(
            name: "AuthTokenLDAPTests",
            dependencies: ["AuthTokenLDAP", "AuthTokenCore", "AuthTokenStore", "AuthTokenTestKit"]
        ),
        .testTarget(
            name: "AuthTokenCoreTests",
            dependencies: [
                "AuthTokenCore", "AuthTokenStore", "AuthTokenSQLite", "AuthTokenTestKit",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Runs against a real server: AUTHTOKEN_TEST_POSTGRES_URL and PGPASSFILE (scripts/test).
        .testTarget(
            name: "AuthTokenPostgresTests",
            dependencies: ["AuthTokenPostgres"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // One contract for every backend: each test runs against SQLite and PostgreSQL
        // (AUTHTOKEN_TEST_POSTGRES_URL and PGPASSFILE, from scripts/test).
        .testTarget(
            name: "AuthTokenStoreContractTests",
            dependencies: [
                "AuthTokenStore", "AuthTokenSQLite", "AuthTokenPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "AuthTokenWebTests",
            dependencies: [
                "AuthTokenWeb", "AuthTokenCore", "AuthTokenStore", "AuthTokenTestKit",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
