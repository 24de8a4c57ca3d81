// swift-tools-version:6.1
import PackageDescription

// The order service: the order-processing sample's domain behind HTTP (Hummingbird),
// with Prometheus metrics. A package of its own so that Hummingbird and its
// dependencies stay out of the root package's build.
let package = Package(
    name: "OrderService",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "order-service", targets: ["OrderService"])
    ],
    dependencies: [
        // Named, so the products resolve whatever the checkout directory is called
        // (a path dependency's identity is otherwise its last path component).
        .package(name: "Chronicle", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // NIOCore, for the bound address of the server's channel (Hummingbird's own dependency).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "OrderService",
            dependencies: [
                .product(name: "Chronicle", package: "Chronicle"),
                .product(name: "ChronicleSQLite", package: "Chronicle"),
                .product(name: "OrderDomain", package: "Chronicle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "OrderServiceTests",
            dependencies: [
                "OrderService",
                .product(name: "Chronicle", package: "Chronicle"),
                .product(name: "ChronicleSQLite", package: "Chronicle"),
                .product(name: "ChronicleTesting", package: "Chronicle"),
                .product(name: "OrderDomain", package: "Chronicle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ])
    target.swiftSettings = settings
}
