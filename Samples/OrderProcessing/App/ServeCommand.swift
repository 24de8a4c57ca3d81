import ArgumentParser
import Chronicle
import ChronicleCLI
import Foundation
import OrderDomain

/// `order-processing serve --service NAME [--store LOCATION]`
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run one service as its own process until SIGINT or SIGTERM.",
        discussion: ChronicleCommands.discussion(
            """
            Services: \(ShopServices.Service.allCases.map(\.rawValue).joined(separator: ", ")). Several
            processes on one store make the same system as the demo; two processes of one service share
            its work as one consumer group. On SIGINT or SIGTERM each member finishes its messages in
            flight, saves its checkpoints and leaves its group; the command then exits 0. The payment
            deadline and the gateway's behaviour matter to the saga and payments services only.

            Example (one terminal each):
              order-processing seed
              order-processing serve --service orders
              order-processing serve --service payments --failure-rate 0.2
              order-processing serve --service inventory
              order-processing serve --service notifications
              order-processing serve --service saga
              order-processing serve --service projections
              order-processing place --customer ada --item TEA-GREEN:2
            """))

    @OptionGroup var options: ShopOptions

    @Option(help: "The service to run: \(ShopServices.Service.allCases.map(\.rawValue).joined(separator: ", ")).")
    var service: String

    @OptionGroup var gateway: GatewayOptions

    @Option(help: "Seconds a member that died keeps its partitions before the others take them over.")
    var leaseSeconds: Double = 10

    func validate() throws {
        if ShopServices.Service(rawValue: service) == nil {
            throw ValidationError(
                "unknown service '\(service)' (known: \(ShopServices.Service.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if !(leaseSeconds >= 0.1 && leaseSeconds <= 3_600) { throw ValidationError("--lease-seconds must be 0.1...3600") }
    }

    func run() async throws {
        let service = ShopServices.Service(rawValue: service)!
        let opened = try await options.open(.createIfMissing)
        defer { opened.close() }
        var settings = ServiceSettings()
        settings.paymentDeadline = gateway.deadline
        settings.leaseDuration = .milliseconds(Int(leaseSeconds * 1_000))
        let shop = try ShopServices(
            store: opened.store,
            gateway: gateway.gateway,
            settings: settings)
        print("serving \(service.rawValue) on \(opened.location) (process \(getpid()))")
        fflush(nil)
        _ = try await Interruption.run {
            _ = try await shop.running([service]) {
                try await Task.sleep(for: .seconds(1_000_000_000))
                return true
            }
        }
        print("stopped \(service.rawValue)")
    }
}
