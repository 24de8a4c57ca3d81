import ArgumentParser
import Chronicle
import ChronicleSQLite
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import OrderDomain
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `order-service --store PATH [--host HOST] [--port PORT]`: the order-processing
/// sample over HTTP.
///
/// One `ServiceGroup` runs the HTTP server and the projection runner; SIGTERM or
/// SIGINT shuts both down gracefully (the server first, then the runner finishes
/// its batches in flight), and the store is closed after the group returns.
struct OrderServiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order-service",
        abstract: "The Chronicle order-processing sample as an HTTP service.",
        discussion: """
            Prints 'listening on http://HOST:PORT' on standard output once the server is bound; with \
            --port 0, PORT is the port the system chose. SIGTERM or SIGINT stops it gracefully.

            Example:
              order-service --store orders.sqlite --port 8080

            Exit status: 0 after a graceful shutdown, 1 when the store cannot be opened or the \
            server cannot listen, 2 for bad usage.
            """)

    @Option(help: "The SQLite store file (created if missing).")
    var store: String

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free port.")
    var port = 8080

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard !store.isEmpty else { throw ValidationError("--store must not be empty") }
    }

    /// Runs the service until SIGTERM or SIGINT.
    func start() async throws {
        // Before anything creates a metric: Chronicle's own and the request counter
        // then all land in this registry, which /metrics prints.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: "order-service")
        logger.logLevel = .info

        let shop = try await Shop.open(path: store)
        do {
            // The read models' tables exist before the server takes its first query
            // (the runner would create them only when its followers start).
            let projections = shop.projections
            for projection in projections { try await projection.prepare() }
            let runner = try ProjectionRunner(store: shop.store, projections: projections, batchSize: 1_000)
            let api = OrderAPI(shop: shop, runner: runner, metrics: registry)
            let app = Application(
                router: api.router(),
                configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "order-service"),
                onServerRunning: { channel in
                    let bound = channel.localAddress?.port ?? port
                    Self.printLine("listening on http://\(host):\(bound)")
                },
                logger: logger)
            // Services shut down in reverse order: the server stops taking requests
            // first, then the runner commits its batches in flight.
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [runner, app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch {
            try? shop.store.close()
            throw error
        }
        try shop.store.close()
        logger.info("store closed")
    }

    /// Writes one line to standard output at once (it may be a pipe, which
    /// `print` would buffer).
    static func printLine(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// The entry point: parses the options, then runs the service. Bad usage prints
/// one error line and the usage and exits 2; a failure to start (the store, the
/// address) prints one line and exits 1.
@main
enum OrderServiceMain {
    static func main() async {
        let command: OrderServiceCommand
        do {
            command = try OrderServiceCommand.parse()
        } catch {
            let code = OrderServiceCommand.exitCode(for: error)
            if code == .success {
                OrderServiceCommand.printLine(OrderServiceCommand.fullMessage(for: error))
                exit(0)
            }
            let message = OrderServiceCommand.message(for: error)
            FileHandle.standardError.write(
                Data("order-service: \(message)\nUsage: \(OrderServiceCommand.usageString())\n".utf8))
            exit(2)
        }
        do {
            try await command.start()
        } catch {
            FileHandle.standardError.write(Data("order-service: error: \(error)\n".utf8))
            exit(1)
        }
    }
}
