internal import Chronicle
internal import Foundation

/// Stored metadata: typed errors only, a round trip through the stored form,
/// and the stores' fast reader agreeing with the general decoder.
enum EventMetadataCheck {
    static func check(_ input: [UInt8]) throws(FuzzFinding) -> FuzzOutcome {
        func finding(_ message: String) -> FuzzFinding { FuzzFinding(target: .eventMetadata, message: message) }
        let data = Data(input)
        let fast = EventMetadata(plainJSON: data)
        let metadata: EventMetadata
        do {
            metadata = try EventMetadata(jsonData: data)
        } catch let error as EventStoreError where error.code == .invalidMetadata {
            if let fast { throw finding("the fast reader accepted what the decoder refuses: \(fast)") }
            return .rejected(error.message)
        } catch {
            throw finding("EventMetadata(jsonData:) threw \(type(of: error)): \(error)")
        }
        if let fast, fast != metadata {
            throw finding("the fast reader read \(fast), the decoder \(metadata)")
        }
        let stored = metadata.jsonData()
        do {
            let again = try EventMetadata(jsonData: stored)
            guard again == metadata else { throw finding("\(metadata) came back as \(again)") }
            if let fastAgain = EventMetadata(plainJSON: stored), fastAgain != metadata {
                throw finding("the fast reader read the stored form of \(metadata) as \(fastAgain)")
            }
        } catch let error as FuzzFinding {
            throw error
        } catch {
            throw finding("the stored form of \(metadata) does not decode: \(error)")
        }
        return .accepted
    }
}
