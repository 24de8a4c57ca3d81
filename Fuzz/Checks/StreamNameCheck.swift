internal import Chronicle
internal import Foundation

/// Stream names: typed errors only, and a parsed name keeps its exact bytes.
enum StreamNameCheck {
    static func check(_ input: [UInt8]) throws(FuzzFinding) -> FuzzOutcome {
        func finding(_ message: String) -> FuzzFinding { FuzzFinding(target: .streamName, message: message) }
        let text = String(decoding: input, as: UTF8.self)
        // A category on its own (filters, subscriptions) follows the same rules.
        do {
            try StreamName.validateCategory(text)
            if text.unicodeScalars.contains("-") { throw finding("category \(text.debugDescription) with a '-' passed") }
        } catch let error as EventStoreError where error.code == .invalidStreamName {
        } catch let error as FuzzFinding {
            throw error
        } catch {
            throw finding("validateCategory threw \(type(of: error)): \(error)")
        }
        let name: StreamName
        do {
            name = try StreamName(text)
        } catch let error as EventStoreError where error.code == .invalidStreamName {
            return .rejected(error.message)
        } catch {
            throw finding("StreamName(_:) threw \(type(of: error)): \(error)")
        }
        // The written form is the input, byte for byte, split at its first '-'.
        guard Array(name.description.utf8) == Array(text.utf8) else {
            throw finding("\(text.debugDescription) became \(name.description.debugDescription)")
        }
        guard !name.category.isEmpty, !name.id.isEmpty, !name.category.unicodeScalars.contains("-") else {
            throw finding("\(text.debugDescription) split into \(name.category.debugDescription) and \(name.id.debugDescription)")
        }
        guard text.utf8.count <= StreamName.maximumLength else {
            throw finding("a name of \(text.utf8.count) bytes passed")
        }
        do {
            let rebuilt = try StreamName(category: name.category, id: name.id)
            let decoded = try JSONDecoder().decode(StreamName.self, from: JSONEncoder().encode(name))
            guard rebuilt == name, decoded == name else { throw finding("\(name) does not survive a round trip") }
        } catch let error as FuzzFinding {
            throw error
        } catch {
            throw finding("a valid name \(text.debugDescription) failed to round-trip: \(error)")
        }
        // Equal names are the same bytes, as every store keeps them: a
        // canonically equivalent spelling (NFD for NFC) is another stream.
        let decomposed = text.decomposedStringWithCanonicalMapping
        if Array(decomposed.utf8) != Array(text.utf8), let other = try? StreamName(decomposed) {
            if other == name {
                throw finding("\(text.debugDescription) equals its decomposed spelling, which a store keeps apart")
            }
            if (other < name) == (name < other) { throw finding("\(name) and its decomposed spelling are unordered") }
        }
        return .accepted
    }
}
