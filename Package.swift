// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Chronicle",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Chronicle", targets: ["Chronicle"]),
        .library(name: "ChronicleSQLite", targets: ["ChronicleSQLite"]),
        .library(name: "ChroniclePostgres", targets: ["ChroniclePostgres"]),
        .library(name: "ChronicleTesting", targets: ["ChronicleTesting"]),
        .library(name: "ChronicleCLI", targets: ["ChronicleCLI"]),
        .executable(name: "chronicle", targets: ["ChronicleTool"]),
        .executable(name: "chronicle-quickstart", targets: ["QuickStart"]),
        .executable(name: "order-processing", targets: ["OrderProcessingApp"]),
        // The order-processing domain, for the sample service in Samples/OrderService.
        .library(name: "OrderDomain", targets: ["OrderDomain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The PostgreSQL backend (ChroniclePostgres): its client and pool.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // `swift package generate-documentation` for the DocC catalogs (the test command checks them).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "Chronicle",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "ChronicleSQLite",
            dependencies: [
                "Chronicle",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the hot read and append paths (GRDB's own dependency).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The PostgreSQL backend: event, snapshot, checkpoint, dead-letter and
        // lease stores and exactly-once projections on one database, shared by
        // several app servers.
        .target(
            name: "ChroniclePostgres",
            dependencies: [
                "Chronicle",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "ChronicleTesting",
            dependencies: ["Chronicle"]
        ),
        // The commands of the `chronicle` tool, for apps to embed next to their own.
        // Backend-neutral: stores open through the backends each executable
        // registers (StoreBackend), so no database library is a dependency.
        .target(
            name: "ChronicleCLI",
            dependencies: [
                "Chronicle",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The standalone `chronicle` executable (not `Sources/chronicle`, which
        // would collide with `Sources/Chronicle` on case-insensitive file systems).
        .executableTarget(
            name: "ChronicleTool",
            dependencies: [
                "ChronicleCLI", "ChronicleSQLite", "ChroniclePostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // A small executable the SQLite tests drive as separate OS processes
        // (several writers on one file, crash tests).
        .executableTarget(
            name: "ChronicleTestHelper",
            dependencies: [
                "Chronicle", "ChronicleSQLite", "ChroniclePostgres", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // An app's admin tool embedding ChronicleCLI with two projections, which the
        // CLI tests drive as a subprocess (projections, dlq retry, stats).
        .executableTarget(
            name: "ChronicleCLITestApp",
            dependencies: [
                "Chronicle", "ChronicleSQLite", "ChroniclePostgres", "ChronicleCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The order-processing sample: its domain (aggregates, projections, services)
        // and its command-line app.
        .target(
            name: "OrderDomain",
            dependencies: [
                "Chronicle", "ChronicleSQLite", "ChroniclePostgres", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Samples/OrderProcessing/OrderDomain"
        ),
        .executableTarget(
            name: "OrderProcessingApp",
            dependencies: [
                "OrderDomain", "Chronicle", "ChronicleSQLite", "ChroniclePostgres", "ChronicleCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Samples/OrderProcessing/App"
        ),
        .executableTarget(
            name: "QuickStart",
            dependencies: ["Chronicle", "ChronicleSQLite"],
            path: "Samples/QuickStart"
        ),
        // What the fuzz targets check for each parser of outside input; the
        // test suite replays the corpus under Fuzz/Corpus through the same checks.
        .target(
            name: "ChronicleFuzzChecks",
            dependencies: ["Chronicle", "ChronicleSQLite", "ChronicleCLI"],
            path: "Fuzz/Checks"
        ),
        // Runs the package's executables as child processes for the tests about processes.
        .target(
            name: "ProcessTestSupport",
            dependencies: ["Chronicle"],
            path: "Tests/ProcessTestSupport"
        ),
        // Fresh databases on the PostgreSQL test server, for the store tests and the CLI tests.
        .target(
            name: "PostgresTestSupport",
            dependencies: [
                "ChroniclePostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/PostgresTestSupport"
        ),
        .testTarget(
            name: "ChronicleTests",
            dependencies: [
                "Chronicle", "ChronicleTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "OrderProcessingTests",
            dependencies: [
                "OrderDomain", "OrderProcessingApp", "Chronicle", "ChronicleSQLite", "ChroniclePostgres", "ChronicleTesting",
                "ProcessTestSupport", "PostgresTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "ChronicleSQLiteTests",
            dependencies: [
                "Chronicle", "ChronicleSQLite", "ChronicleTesting",
                "ChronicleTestHelper", "ProcessTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Drives the built `chronicle` executable as a subprocess.
        .testTarget(
            name: "ChronicleCLITests",
            dependencies: [
                "Chronicle", "ChronicleSQLite", "ChronicleCLI", "ChronicleTool", "ChronicleTesting",
                "ChronicleCLITestApp", "ProcessTestSupport", "ChroniclePostgres", "PostgresTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Runs against a real PostgreSQL server: the one Scripts/test.sh starts
        // (CHRONICLE_TEST_POSTGRES_URL); without it the suite fails, never skips.
        .testTarget(
            name: "ChroniclePostgresTests",
            dependencies: [
                "Chronicle", "ChroniclePostgres", "ChronicleTesting", "ChronicleTestHelper", "ProcessTestSupport",
                "PostgresTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ChronicleFuzzChecksTests",
            dependencies: ["ChronicleFuzzChecks"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer targets, one executable per parser, exist only when
// Scripts/fuzz.sh asks for them (they call libFuzzer's driver, so they link
// only with `-sanitize=fuzzer`).
if Context.environment["CHRONICLE_FUZZ"] == "1" {
    package.targets.append(.target(name: "ChronicleFuzzDriver", path: "Fuzz/Driver"))
    for name in ["FuzzStreamName", "FuzzEventLine", "FuzzEventMetadata", "FuzzEventDecoding", "FuzzStoreLocation"] {
        package.targets.append(
            .executableTarget(
                name: name, dependencies: ["ChronicleFuzzChecks", "ChronicleFuzzDriver"], path: "Fuzz/Targets/\(name)"))
    }
}

// Settings every target shares (as swift-log does): Swift 6 mode plus the upcoming
// features that keep the API honest about existentials and imports.
for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ])
    target.swiftSettings = settings
}
