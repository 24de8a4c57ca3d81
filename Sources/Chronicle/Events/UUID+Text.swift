public import Foundation

extension UUID {
    /// The id as Chronicle writes ids everywhere: 36 characters, lower-case hex
    /// (`uuidString.lowercased()`), as the CLI and the export print event ids, so
    /// that the command, correlation and causation ids the repository puts in
    /// metadata read the same way as event ids.
    ///
    /// Made without the C library's `snprintf` that `uuidString` calls on Linux,
    /// which costs a microsecond: about as much as the rest of making a command id.
    @usableFromInline
    var chronicleString: String {
        let hex: (UInt8) -> UInt8 = { $0 < 10 ? 0x30 + $0 : 0x57 + $0 }  // 0-9, a-f
        return withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                var at = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[at] = UInt8(ascii: "-")
                        at += 1
                    }
                    text[at] = hex(bytes[index] >> 4)
                    text[at + 1] = hex(bytes[index] & 0xF)
                    at += 2
                }
                return at
            }
        }
    }
}
