// swift-tools-version: 6.0

import PackageDescription

let swiftSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "runlens",
  products: [
    .library(name: "RunLens", targets: ["RunLens"]),
    .library(name: "RunLensHistory", targets: ["RunLensHistory"]),
    .executable(name: "runlens", targets: ["runlens"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CLibXML2",
      pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
    ),
    // The log reader's vectorised line-end and needle scan (SSE2 or AVX2, scalar elsewhere).
    .target(name: "CByteScan"),
    .target(
      name: "RunLens",
      dependencies: ["CLibXML2", "CByteScan"],
      swiftSettings: swiftSettings
    ),
    // libcurl, loaded with dlopen on the first HTTP request so that runs which never talk HTTP
    // do not load it and its thirty dependent libraries; needs no curl headers to build.
    .target(
      name: "CCurl",
      linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
    ),
    .target(
      name: "RunLensHTTP",
      dependencies: ["CCurl"],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "RunLensHistory",
      dependencies: ["RunLens", "RunLensHTTP", .product(name: "GRDB", package: "GRDB.swift")],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "RunLensArchive",
      dependencies: ["RunLens", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "RunLensGitHub",
      dependencies: ["RunLens", "RunLensHTTP"],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "runlens",
      dependencies: [
        "RunLens", "RunLensHistory", "RunLensGitHub", "RunLensArchive",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "RunLensTests",
      dependencies: ["RunLens"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "RunLensHTTPTests",
      dependencies: ["RunLensHTTP"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "RunLensHistoryTests",
      dependencies: ["RunLensHistory", "RunLens"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "runlensTests",
      dependencies: [
        "runlens", "RunLens", "RunLensHistory", "RunLensGitHub", "RunLensArchive",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ],
      swiftSettings: swiftSettings
    ),
  ]
)

// The fuzz harnesses (Fuzz/, run by `Fuzz/run.sh TARGET SECONDS`), declared only when
// RUNLENS_FUZZ is set: the executable links only with `-sanitize=fuzzer`, so the ordinary
// `swift build` and `swift test` must never see it. It is a target of this package, not a
// package of its own, so that it needs no name for this package (a path dependency is named
// after its folder, which differs between clones).
if Context.environment["RUNLENS_FUZZ"] != nil {
  package.targets += [
    .systemLibrary(name: "CLibFuzzer", path: "Fuzz/Sources/CLibFuzzer"),
    .executableTarget(
      name: "runlens-fuzz",
      dependencies: [
        "CLibFuzzer", "RunLens", "RunLensArchive", "RunLensGitHub",
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ],
      path: "Fuzz/Sources/runlens-fuzz",
      swiftSettings: swiftSettings
    ),
  ]
  package.products.append(.executable(name: "runlens-fuzz", targets: ["runlens-fuzz"]))
}
