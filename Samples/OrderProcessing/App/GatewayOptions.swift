import ArgumentParser
import OrderDomain

/// The demo payment gateway's options, shared by `demo` and `serve`.
struct GatewayOptions: ParsableArguments {
    @Option(help: "The share of payment authorizations that go wrong (0...1): half declined, half gateway outages.")
    var failureRate: Double = 0.2

    @Option(help: "Milliseconds each payment gateway call takes.")
    var gatewayLatency: Int = 0

    @Option(help: "Seconds the payment may take to be authorized before the saga cancels the order.")
    var paymentDeadline: Double = 5

    func validate() throws {
        if !(failureRate >= 0 && failureRate <= 1) { throw ValidationError("--failure-rate must be 0...1") }
        if gatewayLatency < 0 || gatewayLatency > 60_000 { throw ValidationError("--gateway-latency must be 0...60000") }
        if !(paymentDeadline >= 0.1 && paymentDeadline <= 3_600) {
            throw ValidationError("--payment-deadline must be 0.1...3600")
        }
    }

    /// The flaky gateway these options describe.
    var gateway: FlakyPaymentGateway {
        FlakyPaymentGateway(failureRate: failureRate, latency: .milliseconds(gatewayLatency))
    }

    /// The settings' payment deadline.
    var deadline: Duration { .milliseconds(Int(paymentDeadline * 1_000)) }
}
