public import Chronicle
internal import Foundation

/// How an error becomes one line of text and an exit status: the single place
/// where `chronicle` decides what users see when something fails.
///
/// ```swift
/// let report = ErrorReport(error)
/// print("chronicle: \(report.message)")   // never a stack trace, always one line
/// exit(report.status.rawValue)
/// ```
public struct ErrorReport: Sendable {
    /// The one-line message, or `nil` when the failure was already reported.
    public let message: String?
    /// The exit status.
    public let status: ExitStatus

    /// Describes an error.
    ///
    /// ``CommandError`` keeps its status. ``EventStoreError``: wrong expected
    /// version and duplicate event are conflicts (3); invalid stream names, events,
    /// metadata, arguments and oversized events are bad input (2); everything else
    /// is a failure (1). ``Chronicle/ProjectionError``: an unknown projection is
    /// bad input (2), the rest failures (1). Other errors are failures described
    /// on one line.
    ///
    /// - Parameter error: The error a command threw.
    public init(_ error: any Error) {
        switch error {
        case let error as CommandError:
            message = error.message.map(ErrorReport.oneLine)
            status = error.status
        case let error as EventStoreError:
            message = ErrorReport.oneLine(error.message)
            status = ErrorReport.status(for: error.code)
        case let error as ProjectionError:
            message = ErrorReport.oneLine(error.message)
            status = error.code == .unknownProjection ? .badInput : .failure
        default:
            message = ErrorReport.oneLine(ErrorReport.describe(error))
            status = .failure
        }
    }

    /// The exit status for a store error code.
    ///
    /// - Parameter code: The error's code.
    /// - Returns: ``ExitStatus/conflict``, ``ExitStatus/badInput`` or ``ExitStatus/failure``.
    public static func status(for code: EventStoreError.Code) -> ExitStatus {
        switch code {
        case .wrongExpectedVersion, .duplicateEvent:
            return .conflict
        case .invalidStreamName, .invalidEvent, .invalidMetadata, .invalidArgument, .eventTooLarge:
            return .badInput
        default:
            return .failure
        }
    }

    private static func describe(_ error: any Error) -> String {
        if error is CancellationError { return "interrupted" }
        if let error = error as? CocoaError {
            let path = (error.userInfo[NSFilePathErrorKey] as? String).map { " ('\($0)')" } ?? ""
            return error.localizedDescription + path
        }
        return String(describing: error)
    }

    /// Folds a message onto one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
    }
}
