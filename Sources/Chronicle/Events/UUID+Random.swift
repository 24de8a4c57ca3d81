public import Foundation
internal import Synchronization

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

extension UUID {
    /// A random (version 4) UUID drawn from the system's random number generator.
    ///
    /// Command ids use it; event ids are ``chronicleTimeOrdered()``.
    ///
    /// Foundation's `UUID()` opens and reads `/dev/urandom` on every call on
    /// Linux, which costs more than the rest of creating an event. This takes
    /// the same 122 random bits from a buffer that the system's generator refills
    /// 256 UUIDs at a time (and afresh in a forked child).
    @usableFromInline
    static func chronicleRandom() -> UUID {
        var (high, low) = RandomPool.shared.next()
        // Version 4 in the high nibble of byte 6, variant 10 in the top bits of byte 8.
        high = (high & ~(0xF << 12)) | (0x4 << 12)
        low = (low & ~(0x3 << 62)) | (0x2 << 62)
        return withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { raw in UUID(uuid: raw.loadUnaligned(as: uuid_t.self)) }
    }

    /// A time-ordered (version 7, RFC 9562) UUID: the Unix time in milliseconds,
    /// then 74 random bits.
    ///
    /// Event ids are the key of a unique index; random ids put every new event in
    /// a random page of it (one more page written per event, and a larger
    /// checkpoint), where time-ordered ids append to its last pages. They are as
    /// unique as random ones: ids made in the same millisecond differ in 74
    /// random bits.
    @usableFromInline
    static func chronicleTimeOrdered() -> UUID {
        var (high, low) = RandomPool.shared.next()
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let milliseconds = UInt64(now.tv_sec) &* 1_000 &+ UInt64(now.tv_nsec / 1_000_000)
        // 48 bits of time, version 7, 12 random bits; variant 10, 62 random bits.
        high = (milliseconds << 16) | 0x7000 | (high & 0x0FFF)
        low = (low & ~(0x3 << 62)) | (0x2 << 62)
        return withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { raw in UUID(uuid: raw.loadUnaligned(as: uuid_t.self)) }
    }
}

/// Random 128-bit values from `SystemRandomNumberGenerator`, drawn in blocks.
final class RandomPool: Sendable {
    static let shared = RandomPool()

    private struct State {
        var words: [UInt64] = []
        var next = 0
        /// The ``forks`` count the words were read under (-1: none read yet).
        var forks = -1
    }

    private let state = Locked(State())

    /// How many times this process was forked from (counted in the child), so
    /// that a child refills the pool instead of repeating its parent's words.
    /// Asking `getpid()` on every call did the same for a system call each time.
    private static let forks = Atomic<Int>(0)
    private static let forkHandler: Void = {
        #if canImport(Glibc) || canImport(Darwin)
            pthread_atfork(nil, nil) { RandomPool.forks.add(1, ordering: .relaxed) }
        #endif
    }()

    private init() { Self.forkHandler }

    /// Two random words.
    func next() -> (UInt64, UInt64) {
        let forks = Self.forks.load(ordering: .relaxed)
        return state.withLock { state in
            if state.next + 2 > state.words.count || state.forks != forks {
                state.words = Self.block(count: 512)
                state.next = 0
                state.forks = forks
            }
            defer {
                // Used words are cleared, so a copy of this memory never yields them again.
                state.words[state.next] = 0
                state.words[state.next + 1] = 0
                state.next += 2
            }
            return (state.words[state.next], state.words[state.next + 1])
        }
    }

    /// `count` random words from the operating system's generator, read at once.
    private static func block(count: Int) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: count)
        let filled = words.withUnsafeMutableBytes { raw -> Bool in
            #if canImport(Glibc)
                // One read of the kernel's generator per block (getrandom(2) is not in Swift's Glibc module).
                let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else { return false }
                defer { close(descriptor) }
                var offset = 0
                while offset < raw.count {
                    let count = read(descriptor, raw.baseAddress! + offset, raw.count - offset)
                    if count <= 0 {
                        if count < 0 && errno == EINTR { continue }
                        return false
                    }
                    offset += count
                }
                return true
            #elseif canImport(Darwin)
                arc4random_buf(raw.baseAddress, raw.count)
                return true
            #else
                return false
            #endif
        }
        if !filled {
            var generator = SystemRandomNumberGenerator()
            for index in words.indices { words[index] = generator.next() }
        }
        return words
    }
}
