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
    .executable(name: "runlens", targets: ["runlens"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
  ],
  targets: [
    .systemLibrary(
      name: "CLibXML2",
      pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
    ),
    .target(
      name: "RunLens",
      dependencies: ["CLibXML2"],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "RunLensGitHub",
      dependencies: ["RunLens"],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "runlens",
      dependencies: [
        "RunLens", "RunLensGitHub",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "RunLensTests",
      dependencies: ["RunLens"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "runlensTests",
      dependencies: [
        "runlens", "RunLens", "RunLensGitHub",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ],
      swiftSettings: swiftSettings
    ),
  ]
)
