/// A small seeded random number generator (SplitMix64), for randomized tests
/// whose failing case can be replayed from its seed.
///
/// ```swift
/// @Test(arguments: [1, 2, 3] as [UInt64])
/// func replayMatchesAFoldByHand(seed: UInt64) async throws {
///     var random = SeededRandom(seed: seed)
///     let count = 1 + Int(random.next() % 200)
///     // ... the same seed gives the same history every run
/// }
/// ```
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    ///
    /// - Parameter seed: Any value; equal seeds give equal sequences.
    public init(seed: UInt64) { state = seed }

    /// The next value of the sequence.
    ///
    /// - Returns: 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
