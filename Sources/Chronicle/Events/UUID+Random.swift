public import Foundation

extension UUID {
    /// A random (version 4) UUID drawn from the system's random number generator.
    ///
    /// Foundation's `UUID()` opens and reads `/dev/urandom` on every call on
    /// Linux, which costs more than the rest of creating an event; this draws the
    /// same 122 random bits with two calls to `SystemRandomNumberGenerator`.
    @usableFromInline
    static func chronicleRandom() -> UUID {
        var generator = SystemRandomNumberGenerator()
        var high: UInt64 = generator.next()
        var low: UInt64 = generator.next()
        // Version 4 in the high nibble of byte 6, variant 10 in the top bits of byte 8.
        high = (high & ~(0xF << 12)) | (0x4 << 12)
        low = (low & ~(0x3 << 62)) | (0x2 << 62)
        let h = high.bigEndian
        let l = low.bigEndian
        return withUnsafeBytes(of: (h, l)) { raw in UUID(uuid: raw.loadUnaligned(as: uuid_t.self)) }
    }
}
