internal import Chronicle
internal import ChronicleCLI
internal import Foundation

/// Import lines: typed errors only, and what an import reads, an export writes
/// back in a form the import reads the same way.
enum EventLineCheck {
    static func check(_ input: [UInt8]) throws(FuzzFinding) -> FuzzOutcome {
        func finding(_ message: String) -> FuzzFinding { FuzzFinding(target: .eventLine, message: message) }
        let record: EventRecord
        do {
            record = try EventLine.decode(input)
        } catch let error as CommandError where error.status == .badInput {
            return .rejected(error.description)
        } catch {
            throw finding("decode threw \(type(of: error)): \(error)")
        }
        guard record.position.rawValue >= 1, record.version >= 1, record.schemaVersion >= 1 else {
            throw finding("accepted position \(record.position), version \(record.version), schema \(record.schemaVersion)")
        }
        // Export then import: the line format must read its own output, and
        // settle after one trip (times are kept to the microsecond).
        let exported = EventLine.encode(record)
        let reimported: EventRecord
        do {
            reimported = try EventLine.decode(Array(exported.utf8))
        } catch {
            throw finding("the export of an accepted line does not import: \(exported) (\(error))")
        }
        guard reimported.stream == record.stream, reimported.id == record.id, reimported.type == record.type,
            reimported.data == record.data, reimported.metadata == record.metadata,
            reimported.position == record.position, reimported.version == record.version,
            reimported.schemaVersion == record.schemaVersion
        else {
            throw finding("export and import changed the event: \(exported)")
        }
        guard EventLine.encode(reimported) == exported else {
            throw finding("a second export differs: \(exported) then \(EventLine.encode(reimported))")
        }
        return .accepted
    }
}
