internal import Chronicle
internal import ChronicleCLI
internal import ChronicleSQLite
internal import Foundation

/// `--store` locations: typed errors only, and a location's written form
/// names the same store.
enum StoreLocationCheck {
    /// The backends of the `chronicle` tool.
    static let registry = StoreBackendRegistry([SQLiteBackend()])

    static func check(_ input: [UInt8]) throws(FuzzFinding) -> FuzzOutcome {
        func finding(_ message: String) -> FuzzFinding { FuzzFinding(target: .storeLocation, message: message) }
        let text = String(decoding: input, as: UTF8.self)
        let location: StoreLocation
        do {
            location = try registry.location(parsing: text)
        } catch let error as CommandError where error.status == .badInput || error.status == .failure {
            return .rejected(error.description)  // failure: PostgreSQL, recognised but not in this build
        } catch {
            throw finding("StoreLocation(parsing:) threw \(type(of: error)): \(error)")
        }
        let written = location.description
        let again: StoreLocation
        do {
            again = try registry.location(parsing: written)
        } catch {
            throw finding("\(text.debugDescription) is written as \(written.debugDescription), which does not parse")
        }
        guard location.scheme == again.scheme else {
            throw finding("\(text.debugDescription) and its written form \(written.debugDescription) are different kinds")
        }
        guard !location.address.isEmpty, again.address == location.address else {
            throw finding(
                "\(text.debugDescription) names \(location.address.debugDescription), its written form \(again.address.debugDescription)")
        }
        return .accepted
    }
}
