import Chronicle
import Testing

/// Value checks of `StreamName` that need no store (they were part of the
/// event store conformance suite, which now holds only checks of a store).
@Suite("StreamName")
struct StreamNameTests {
    @Test(arguments: [
        "", "order", "-42", "order-", "or\u{0}der-1", "order-4\n2", "order-\u{7F}",
        String(repeating: "a", count: 300) + "-" + String(repeating: "b", count: 300),
    ])
    func invalidNamesAreRejected(_ name: String) {
        #expect { try StreamName(name) } throws: { ($0 as? EventStoreError)?.code == .invalidStreamName }
    }

    @Test func aCategoryWithADashIsRejected() {
        #expect { try StreamName(category: "or-der", id: "1") } throws: {
            ($0 as? EventStoreError)?.code == .invalidStreamName
        }
    }

    @Test func theNameSplitsAtTheFirstDash() throws {
        let parsed = try StreamName("order-42-b")
        #expect(parsed.category == "order")
        #expect(parsed.id == "42-b")
    }

    @Test func theSplitIsAtTheFirstDashByte() throws {
        // A combining accent after the '-' does not merge with it.
        let parsed = try StreamName("order-\u{301}42")
        #expect(parsed.category == "order")
        #expect(parsed.id.unicodeScalars.first == "\u{301}")
    }

    @Test func canonicallyEquivalentSpellingsAreDifferentNames() throws {
        let composed = try StreamName(category: "caf\u{E9}", id: "1")
        let decomposed = try StreamName(category: "cafe\u{301}", id: "1")
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
    }
}
