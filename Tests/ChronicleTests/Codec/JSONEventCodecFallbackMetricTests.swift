import Chronicle
import Foundation
import Testing

/// Payloads the fast path hands to Foundation's coders are counted, so that an
/// event type that always takes the slow way shows in the metrics.
@Suite("JSON codec fallback metric")
struct JSONEventCodecFallbackMetricTests {
    struct Plain: Codable, Equatable { var sku: String; var quantity: Int }
    struct Dated: Codable, Equatable { var at: Date; var price: Double }

    let metrics = RecordingMetrics()
    var encodes: Int64 { metrics.value(JSONEventCodec.fallbacksLabel, [("direction", "encode")]) }
    var decodes: Int64 { metrics.value(JSONEventCodec.fallbacksLabel, [("direction", "decode")]) }

    @Test func fastPathPayloadsCountNothing() throws {
        let codec = JSONEventCodec(metricsFactory: metrics)
        let data = try codec.encode(Plain(sku: "apple", quantity: 3))
        #expect(try codec.decode(Plain.self, from: data) == Plain(sku: "apple", quantity: 3))
        #expect(encodes == 0 && decodes == 0)
    }

    @Test func datesAndDoublesGoToFoundationAndAreCountedEachTime() throws {
        let codec = JSONEventCodec(metricsFactory: metrics)
        let value = Dated(at: Date(timeIntervalSince1970: 1_000), price: 2.5)
        for _ in 0..<3 {
            let data = try codec.encode(value)
            #expect(try codec.decode(Dated.self, from: data) == value)
        }
        #expect(encodes == 3)
        #expect(decodes == 3)
    }

    @Test func malformedInputIsCountedAndStillThrowsFoundationsError() throws {
        let codec = JSONEventCodec(metricsFactory: metrics)
        #expect(throws: DecodingError.self) { try codec.decode(Plain.self, from: Data(#"{"sku":1}"#.utf8)) }
        #expect(decodes == 1)
    }

    @Test func settingsThatKeepPayloadsOffTheFastPathAreNoFallback() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        let codec = JSONEventCodec(encoder: encoder, metricsFactory: metrics)
        _ = try codec.encode(Plain(sku: "pear", quantity: 1))
        #expect(encodes == 0, "the fast path was never tried")
    }
}
