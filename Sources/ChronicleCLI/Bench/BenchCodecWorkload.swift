internal import Chronicle
internal import Foundation

/// Encoding and decoding the bench's events with no store: the codec's share
/// of appends and loads. Prints Foundation's figures beside it on standard error.
enum BenchCodecWorkload {
    static func run(_ bench: BenchContext) throws -> BenchResult {
        let rounds = bench.count(100, minimum: 2)
        let events: [any DomainEvent] = (0..<1_000).map { n in
            let order = BenchOrder(id: "1")
            return n % 10 == 0 ? order.place(n)[0] : n % 10 == 9 ? order.pay()[0] : order.addItem(n)[0]
        }
        let codec = JSONEventCodec()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let decoder = JSONDecoder()
        let fast = try measure(rounds, events) { try codec.encode($0) } decode: { try codec.decode($0, from: $1) }
        let foundation = try measure(rounds, events) { try encoder.encode($0) } decode: { try decoder.decode($0, from: $1) }
        let err = TextOutput.standardError
        err.line(
            String(
                format: "codec: encode %.2f us, decode %.2f us per event; Foundation: encode %.2f us, decode %.2f us",
                fast.encode, fast.decode, foundation.encode, foundation.decode))
        return fast.result
    }

    private static func measure(
        _ rounds: Int, _ events: [any DomainEvent], encode: (any Encodable) throws -> Data,
        decode: (any Decodable.Type, Data) throws -> Any
    ) throws -> (result: BenchResult, encode: Double, decode: Double) {
        var samples = BenchSamples(capacity: rounds)
        var encodeSeconds = 0.0
        var decodeSeconds = 0.0
        let timer = BenchTimer()
        for _ in 0..<rounds {
            let began = ContinuousClock.now
            var encoded: [Data] = []
            encoded.reserveCapacity(events.count)
            for event in events { encoded.append(try encode(event)) }
            let middle = ContinuousClock.now
            for (event, data) in zip(events, encoded) { _ = try decode(type(of: event), data) }
            encodeSeconds += BenchClock.seconds(from: began, to: middle)
            decodeSeconds += BenchClock.seconds(from: middle, to: .now)
            samples.record(since: began)
        }
        let (seconds, cpuSeconds) = timer.elapsed()
        let perEvent = 1e6 / Double(rounds * events.count)
        return (
            BenchResult(workload: .codec, events: rounds * events.count, seconds: seconds, cpuSeconds: cpuSeconds, samples: samples),
            encodeSeconds * perEvent, decodeSeconds * perEvent
        )
    }
}
