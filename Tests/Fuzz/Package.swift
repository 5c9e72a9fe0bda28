// swift-tools-version:6.0
//
// libFuzzer targets for the parsers that read what clients send. A package of its own, so
// the main build never links them: scripts/fuzz builds this one with
// `-sanitize=fuzzer,address` and `-enable-testing` (the targets reach internal parsers
// through `@testable import`).
import PackageDescription

let package = Package(
    name: "authtoken-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "authtoken", path: "../..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzFormData", dependencies: ["FuzzDriver", .product(name: "AuthTokenWeb", package: "authtoken")]),
        .executableTarget(name: "FuzzEmailAddress", dependencies: ["FuzzDriver", .product(name: "AuthTokenWeb", package: "authtoken")]),
        .executableTarget(name: "FuzzCookies", dependencies: ["FuzzDriver", .product(name: "AuthTokenWeb", package: "authtoken")]),
        .executableTarget(name: "FuzzLegacyAnswer", dependencies: ["FuzzDriver", .product(name: "AuthTokenWeb", package: "authtoken")]),
        .executableTarget(name: "FuzzWebAuthn", dependencies: ["FuzzDriver", .product(name: "WebAuthn", package: "authtoken")]),
        .executableTarget(name: "FuzzFastCGIParams", dependencies: [
            "FuzzDriver", .product(name: "FastCGI", package: "authtoken"),
            .product(name: "AuthTokenWeb", package: "authtoken"),
        ]),
        .executableTarget(name: "FuzzHTTPHead", dependencies: [
            "FuzzDriver", .product(name: "HTTPCheck", package: "authtoken"),
            .product(name: "AuthTokenWeb", package: "authtoken"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
