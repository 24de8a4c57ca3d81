internal import ChronicleCLI
internal import Foundation

/// `--store` locations: typed errors only, and a location's written form
/// names the same store.
enum StoreLocationCheck {
    static func check(_ input: [UInt8]) throws(FuzzFinding) -> FuzzOutcome {
        func finding(_ message: String) -> FuzzFinding { FuzzFinding(target: .storeLocation, message: message) }
        let text = String(decoding: input, as: UTF8.self)
        let location: StoreLocation
        do {
            location = try StoreLocation(parsing: text)
        } catch let error as CommandError where error.status == .badInput {
            return .rejected(error.description)
        } catch {
            throw finding("StoreLocation(parsing:) threw \(type(of: error)): \(error)")
        }
        let written = location.description
        let again: StoreLocation
        do {
            again = try StoreLocation(parsing: written)
        } catch {
            throw finding("\(text.debugDescription) is written as \(written.debugDescription), which does not parse")
        }
        switch (location, again) {
        case (.sqlite(let path), .sqlite(let reparsed)):
            guard !path.isEmpty, reparsed == path else {
                throw finding("\(text.debugDescription) names \(path.debugDescription), its written form \(reparsed.debugDescription)")
            }
        case (.postgres, .postgres):
            break  // the written form hides the password
        default:
            throw finding("\(text.debugDescription) and its written form \(written.debugDescription) are different kinds")
        }
        return .accepted
    }
}
