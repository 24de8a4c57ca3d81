import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import OrderDomain
import Testing

/// The real `order-service` executable on a temporary SQLite file, driven over
/// HTTP on loopback.
@Suite(.serialized)
struct OrderServiceTests {
    /// Runs `body` against a fresh service, then stops it.
    func withService(_ body: (ServiceProcess, String) async throws -> Void) async throws {
        let directory = try TemporaryDirectory(prefix: "order-service-tests")
        let store = directory.path("orders.sqlite")
        let service = try await ServiceProcess.start(store: store)
        do {
            try await body(service, store)
        } catch {
            await service.stop()
            throw error
        }
        await service.stop()
        withExtendedLifetime(directory) {}
    }

    @Test func placesAnOrderAndReadsItBack() async throws {
        try await withService { service, _ in
            let received = try await service.request("POST", "/stock/TEA-GREEN/receive", json: #"{"quantity": 10}"#)
            #expect(received.status == 200, "\(received)")
            #expect(received.object["onHand"] as? Int == 10)

            let placed = try await service.request(
                "POST", "/orders", json: #"{"customer": "ada", "lines": [{"sku": "TEA-GREEN", "quantity": 2}]}"#)
            #expect(placed.status == 201, "\(placed)")
            #expect(placed.contentType == "application/json")
            let orderId = try #require(placed.object["orderId"] as? String)

            // Read-your-writes: the read model has the order as soon as the command answered.
            let order = try await service.request("GET", "/orders/\(orderId)")
            #expect(order.status == 200, "\(order)")
            #expect(order.object["customer"] as? String == "ada")
            #expect(order.object["status"] as? String == "placed")
            #expect(order.object["totalCents"] as? Int == 1_300)
            #expect(order.object["itemCount"] as? Int == 2)

            let orders = try await service.request("GET", "/orders")
            #expect(orders.array.map { $0["orderId"] as? String } == [orderId])

            let stock = try await service.request("GET", "/stock")
            let tea = try #require(stock.array.first { $0["sku"] as? String == "TEA-GREEN" })
            #expect(tea["onHand"] as? Int == 10)
            #expect(tea["reserved"] as? Int == 2)
            #expect(tea["available"] as? Int == 8)
        }
    }

    @Test func domainRefusalsAre409() async throws {
        try await withService { service, _ in
            // No stock at all: the order is written, then cancelled by the shop.
            let refused = try await service.request(
                "POST", "/orders", json: #"{"customer": "bob", "lines": [{"sku": "KETTLE", "quantity": 1}]}"#)
            #expect(refused.status == 409, "\(refused)")
            #expect((refused.object["error"] as? String)?.contains("only 0 of KETTLE available") == true, "\(refused)")
            let orderId = try #require(refused.object["orderId"] as? String)
            let order = try await service.request("GET", "/orders/\(orderId)")
            #expect(order.object["status"] as? String == "cancelled", "\(order)")

            // Cancelling a cancelled order.
            let again = try await service.request("POST", "/orders/\(orderId)/cancel")
            #expect(again.status == 409, "\(again)")
            #expect(again.object["error"] as? String == "the order is already cancelled")
        }
    }

    @Test func cancelsAnOrderAndReleasesItsStock() async throws {
        try await withService { service, _ in
            _ = try await service.request("POST", "/stock/HONEY/receive", json: #"{"quantity": 3}"#)
            let placed = try await service.request(
                "POST", "/orders", json: #"{"customer": "cy", "lines": [{"sku": "HONEY", "quantity": 3}]}"#)
            let orderId = try #require(placed.object["orderId"] as? String, "\(placed)")
            let cancelled = try await service.request(
                "POST", "/orders/\(orderId)/cancel", json: #"{"reason": "changed my mind"}"#)
            #expect(cancelled.status == 200, "\(cancelled)")
            #expect(cancelled.object["status"] as? String == "cancelled")
            let order = try await service.request("GET", "/orders/\(orderId)")
            #expect(order.object["status"] as? String == "cancelled")
            let stock = try await service.request("GET", "/stock")
            let honey = try #require(stock.array.first { $0["sku"] as? String == "HONEY" })
            #expect(honey["available"] as? Int == 3)
        }
    }

    @Test func paysConfirmsAndShipsInOrder() async throws {
        try await withService { service, _ in
            _ = try await service.request("POST", "/stock/STRAINER/receive", json: #"{"quantity": 1}"#)
            let placed = try await service.request(
                "POST", "/orders", json: #"{"customer": "gus", "lines": [{"sku": "STRAINER", "quantity": 1}]}"#)
            let orderId = try #require(placed.object["orderId"] as? String, "\(placed)")
            let early = try await service.request("POST", "/orders/\(orderId)/ship")
            #expect(early.status == 409, "\(early)")
            #expect(early.object["error"] as? String == "the order is placed, not confirmed")
            for (action, status) in [("pay", "paid"), ("confirm", "confirmed"), ("ship", "shipped")] {
                let reply = try await service.request("POST", "/orders/\(orderId)/\(action)")
                #expect(reply.status == 200, "\(action): \(reply)")
                #expect(reply.object["status"] as? String == status)
                let order = try await service.request("GET", "/orders/\(orderId)")
                #expect(order.object["status"] as? String == status, "read model after \(action)")
            }
            let late = try await service.request("POST", "/orders/\(orderId)/cancel")
            #expect(late.status == 409, "\(late)")
            #expect(late.object["error"] as? String == "the order is already shipped")
        }
    }

    /// Each bad input is a 400 with a JSON error, and nothing is stored.
    @Test func badInputIs400AndStoresNothing() async throws {
        try await withService { service, _ in
            let cases: [(method: String, path: String, body: String?, error: String)] = [
                ("POST", "/orders", #"{"customer": "ada"}"#, "the body is not the expected JSON: missing 'lines'"),
                ("POST", "/orders", "not json", "the body is not the expected JSON: not valid JSON"),
                ("POST", "/orders", nil, "the request needs a JSON body"),
                ("POST", "/orders", #"{"customer": "ada", "lines": []}"#, "an order needs at least one line"),
                ("POST", "/orders", #"{"customer": " ", "lines": [{"sku": "HONEY", "quantity": 1}]}"#, "'customer' is empty"),
                (
                    "POST", "/orders", #"{"customer": "ada", "lines": [{"sku": "HONEY", "quantity": 0}]}"#,
                    "quantity 0 of HONEY is not positive"
                ),
                (
                    "POST", "/orders", #"{"customer": "ada", "lines": [{"sku": "NOPE", "quantity": 1}]}"#,
                    "unknown product 'NOPE' (known: \(Catalog.products.map(\.sku).joined(separator: ", ")))"
                ),
                ("POST", "/stock/HONEY/receive", #"{"quantity": -4}"#, "quantity -4 is not positive"),
                ("POST", "/stock/HONEY/receive", #"{"quantity": "four"}"#, "the body is not the expected JSON: wrong type at 'quantity'"),
                ("GET", "/orders?limit=0", nil, "'limit' must be a number from 1 to 1000"),
                ("GET", "/orders?status=lost", nil, "unknown status 'lost' (known: placed, paid, confirmed, shipped, cancelled)"),
            ]
            for item in cases {
                let reply = try await service.request(item.method, item.path, json: item.body)
                #expect(reply.status == 400, "\(item.method) \(item.path) \(item.body ?? ""): \(reply)")
                #expect(reply.object["error"] as? String == item.error, "\(item.path) \(item.body ?? ""): \(reply)")
            }
            let health = try await service.request("GET", "/health")
            let head = try #require((health.object["projections"] as? [[String: Any]])?.first?["head"] as? Int)
            #expect(head == 0, "no event was stored: \(health)")
        }
    }

    @Test func unknownOrdersAndProductsAre404() async throws {
        try await withService { service, _ in
            let order = try await service.request("GET", "/orders/no-such-order")
            #expect(order.status == 404, "\(order)")
            #expect(order.object["error"] as? String == "no order 'no-such-order'")
            let cancel = try await service.request("POST", "/orders/no-such-order/cancel")
            #expect(cancel.status == 404, "\(cancel)")
            #expect(cancel.object["error"] as? String == "no such order")
            let stock = try await service.request("POST", "/stock/NOPE/receive", json: #"{"quantity": 1}"#)
            #expect(stock.status == 404, "\(stock)")
            let route = try await service.request("GET", "/nowhere")
            #expect(route.status == 404, "\(route)")
        }
    }

    @Test func metricsHaveChronicleMetricsAndTheRequestCounter() async throws {
        try await withService { service, _ in
            _ = try await service.request("POST", "/stock/MUG-BLUE/receive", json: #"{"quantity": 5}"#)
            let placed = try await service.request(
                "POST", "/orders", json: #"{"customer": "di", "lines": [{"sku": "MUG-BLUE", "quantity": 1}]}"#)
            #expect(placed.status == 201, "\(placed)")
            _ = try await service.request("GET", "/orders/missing")

            let metrics = try await service.request("GET", "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.contentType?.hasPrefix("text/plain") == true)
            let lines = metrics.text.split(separator: "\n").map(String.init)
            // The order summary handled the one order event (the stock events are not its own).
            let handled = lines.first {
                $0.hasPrefix("chronicle_projection_events_handled_total{") && $0.contains("projection=\"order-summary\"")
            }
            let handledValue = try #require(handled?.split(separator: " ").last.flatMap { Double($0) }, "\(metrics.text)")
            #expect(handledValue == 1)
            #expect(
                lines.contains(#"order_service_http_requests_total{method="POST",route="/orders",status="201"} 1"#),
                "\(metrics.text)")
            #expect(
                lines.contains(#"order_service_http_requests_total{method="GET",route="/orders/{id}",status="404"} 1"#),
                "\(metrics.text)")
        }
    }

    @Test func healthReportsTheProjections() async throws {
        try await withService { service, _ in
            _ = try await service.request("POST", "/stock/KETTLE/receive", json: #"{"quantity": 1}"#)
            let health = try await service.request("GET", "/health")
            #expect(health.status == 200, "\(health)")
            #expect(health.object["status"] as? String == "ok")
            let projections = try #require(health.object["projections"] as? [[String: Any]])
            #expect(projections.compactMap { $0["name"] as? String }.sorted() == ["order-summary", "sales-by-product"])
            for projection in projections {
                #expect(projection["head"] as? Int == 1)
                #expect(projection["lag"] as? Int == 0, "caught up after the command: \(health)")
            }
        }
    }

    /// Bad usage: one error line and the usage on standard error, exit 2, and no store file.
    @Test(arguments: [
        (["--port", "0"], "order-service: Missing expected argument '--store <store>'"),
        (["--store", "x.sqlite", "--port", "70000"], "order-service: --port must be from 0 to 65535"),
        (["--store", "x.sqlite", "--colour", "blue"], "order-service: Unknown option '--colour'"),
    ])
    func badUsageExits2(arguments: [String], message: String) async throws {
        let directory = try TemporaryDirectory(prefix: "order-service-tests")
        let result = try await ServiceProcess.run(arguments.map { $0 == "x.sqlite" ? directory.path("x.sqlite") : $0 })
        #expect(result.status == 2, "\(result)")
        let lines = result.error.split(separator: "\n").map(String.init)
        #expect(lines.first == message, "\(result)")
        #expect(lines.dropFirst().first?.hasPrefix("Usage: order-service --store <store>") == true, "\(result)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("x.sqlite")))
    }

    /// A port already taken: one error line, exit 1.
    @Test func aPortInUseExits1() async throws {
        try await withService { service, _ in
            let directory = try TemporaryDirectory(prefix: "order-service-tests")
            let result = try await ServiceProcess.run([
                "--store", directory.path("other.sqlite"), "--port", String(service.port),
            ])
            #expect(result.status == 1, "\(result)")
            let lines = result.error.split(separator: "\n").filter { $0.hasPrefix("order-service: error: ") }
            #expect(lines.count == 1, "\(result)")
            #expect(result.output.isEmpty, "no 'listening' line: \(result)")
        }
    }

    /// SIGTERM (or SIGINT) stops the server and the runner, the process exits 0,
    /// and the store reopens with every event and the read model up to date.
    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalShutsDownGracefully(signal: Int32) async throws {
        let directory = try TemporaryDirectory(prefix: "order-service-tests")
        let storePath = directory.path("orders.sqlite")
        let service = try await ServiceProcess.start(store: storePath)
        _ = try await service.request("POST", "/stock/BISCUITS/receive", json: #"{"quantity": 4}"#)
        var orderIds: [String] = []
        for customer in ["ed", "flo"] {
            let placed = try await service.request(
                "POST", "/orders", json: #"{"customer": "\#(customer)", "lines": [{"sku": "BISCUITS", "quantity": 2}]}"#)
            orderIds.append(try #require(placed.object["orderId"] as? String, "\(placed)"))
        }

        service.signal(signal)
        let status = await service.exitStatus(within: .seconds(10))
        #expect(status == 0, "\(service.log)")
        #expect(service.log.contains("store closed"), "\(service.log)")

        let store = try await SQLiteEventStore(path: storePath)
        defer { try? store.close() }
        // 1 received + 2 × (placed + reserved).
        let events = try await store.readAll(from: GlobalPosition(rawValue: 1), limit: 100)
        #expect(events.count == 5)
        let summaries = OrderSummaryQuery(store: store)
        for orderId in orderIds {
            #expect(try await summaries.order(orderId)?.status == "placed")
        }
    }
}
