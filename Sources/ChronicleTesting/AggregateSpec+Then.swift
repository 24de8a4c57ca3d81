public import Chronicle
internal import Foundation

extension AggregateSpec.When {
    /// Expects the command to return exactly these events, in order (none: `.then()`).
    ///
    /// Events are compared by type name, schema version and encoded payload.
    /// When the aggregate is `Equatable`, it also checks that replaying the
    /// stored events gives the same state as applying the returned ones (the
    /// events survive encoding).
    ///
    /// ```swift
    /// let order = try await spec.given(placed).when { try $0.pay(amount: 30) }.then(OrderPaid(amount: 30))
    /// #expect(order.status == .paid)
    /// ```
    ///
    /// - Parameter expected: The events the command must return.
    /// - Returns: The state after the new events, for further checks.
    /// - Throws: ``AggregateSpecFailure`` naming expected and actual events, or
    ///   the error the command (or the given events) threw.
    @discardableResult
    public func then(
        _ expected: any DomainEvent..., file: String = #fileID, line: Int = #line
    ) async throws -> A {
        try await then(events: expected, file: file, line: line)
    }

    /// Expects the command to return exactly these events, in order.
    ///
    /// - Parameter expected: The events the command must return.
    /// - Returns: The state after the new events.
    /// - Throws: ``AggregateSpecFailure`` as ``then(_:file:line:)``.
    @discardableResult
    public func then(
        events expected: [any DomainEvent], file: String = #fileID, line: Int = #line
    ) async throws -> A {
        let run = try await prepare(file: file, line: line)
        let result: CommandResult<A>
        do {
            result = try await run.execute()
        } catch {
            throw failure("expected \(Self.count(expected.count)), but the command threw \(Self.show(error))",
                file: file, line: line)
        }
        let expectedLines = try expected.enumerated().map { offset, event in
            do {
                return Self.show(try run.repository.registry.encode(event))
            } catch {
                throw failure("expected event \(offset + 1), \(type(of: event)), cannot be encoded: \(error)",
                    file: file, line: line)
            }
        }
        let actualLines = result.appended.map(Self.show)
        if expectedLines != actualLines {
            throw failure(
                "the command returned other events than expected\n  expected:\n"
                    + Self.list(expectedLines) + "\n  actual:\n" + Self.list(actualLines),
                file: file, line: line)
        }
        if let stateA = result.state as? any Equatable {
            let replayed = try await run.repository.loadOrInitial(spec.id).state
            if !Self.isEqual(stateA, replayed) {
                throw failure(
                    "applying the returned events gives a state that differs from replaying them from the store "
                        + "(do the events survive encoding?)\n  applied:  \(result.state)\n  replayed: \(replayed)",
                    file: file, line: line)
            }
        }
        return result.state
    }

    /// Expects the command to throw an error equal to `expected`.
    ///
    /// ```swift
    /// try await spec.given(placed, paid).when { try $0.pay(amount: 30) }.thenThrows(OrderError.alreadyPaid)
    /// ```
    ///
    /// - Parameter expected: The error the command must throw.
    /// - Throws: ``AggregateSpecFailure`` when the command returns events or throws another error.
    public func thenThrows<E: Error & Equatable>(
        _ expected: E, file: String = #fileID, line: Int = #line
    ) async throws {
        let error = try await thenThrows(E.self, file: file, line: line)
        if error != expected {
            throw failure("expected error \(Self.show(expected)), but got \(Self.show(error))", file: file, line: line)
        }
    }

    /// Expects the command to throw an error of a type (that satisfies a predicate); returns it.
    ///
    /// ```swift
    /// let error = try await spec.when { try $0.pay(amount: -1) }.thenThrows(OrderError.self)
    /// ```
    ///
    /// - Parameters:
    ///   - type: The error type required.
    ///   - predicate: A further condition on the error.
    /// - Returns: The error thrown.
    /// - Throws: ``AggregateSpecFailure`` when the command returns events or
    ///   throws another error, or the predicate is false.
    @discardableResult
    public func thenThrows<E: Error>(
        _ type: E.Type, where predicate: (E) -> Bool = { _ in true }, file: String = #fileID, line: Int = #line
    ) async throws -> E {
        let run = try await prepare(file: file, line: line)
        let result: CommandResult<A>
        do {
            result = try await run.execute()
        } catch let error as E {
            if !predicate(error) {
                throw failure("the error \(Self.show(error)) does not satisfy the condition", file: file, line: line)
            }
            return error
        } catch {
            throw failure("expected an error of type \(E.self), but got \(Self.show(error))", file: file, line: line)
        }
        throw failure(
            "expected an error of type \(E.self), but the command returned \(Self.count(result.appended.count))"
                + (result.appended.isEmpty ? "" : ":\n" + Self.list(result.appended.map(Self.show))),
            file: file, line: line)
    }

    // MARK: - Running

    private struct Run {
        let repository: AggregateRepository<A>
        let execute: () async throws -> CommandResult<A>
    }

    /// Stores the given events and returns the command run; setup failures are
    /// reported as failures of the spec, not of the command.
    private func prepare(file: String, line: Int) async throws -> Run {
        let store = InMemoryEventStore()
        let repository: AggregateRepository<A>
        do {
            repository = try AggregateRepository<A>(store: store, registry: spec.registry)
        } catch {
            throw failure("cannot set up a repository for \(A.self): \(error)", file: file, line: line)
        }
        let stream = try A.streamName(for: spec.id)
        if !spec.history.isEmpty {
            do {
                let events = try spec.history.map { try repository.registry.encode($0) }
                try await store.append(events, to: stream, expecting: .noStream)
                _ = try await repository.load(spec.id)
            } catch {
                throw failure("the given events cannot be stored and replayed: \(error)", file: file, line: line)
            }
        }
        let id = spec.id
        let context = context
        let command = command
        let isNew = spec.history.isEmpty
        return Run(repository: repository) {
            isNew
                ? try await repository.create(id, context: context, command)
                : try await repository.execute(id, context: context, command)
        }
    }

    private func failure(_ message: String, file: String, line: Int) -> AggregateSpecFailure {
        AggregateSpecFailure(message: "\(A.self) '\(spec.id)': " + message, file: file, line: line)
    }

    // MARK: - Formatting

    private static func show(_ event: NewEvent) -> String {
        let payload = String(data: event.data, encoding: .utf8) ?? "<\(event.data.count) bytes>"
        return "\(event.type) v\(event.schemaVersion) \(payload)"
    }

    /// The error's type and case (`BankError.closed`, `BankError.limit(amount: 5)`),
    /// or its type and description when it has one (`BankError "the account is
    /// closed"`): never the type glued to a description.
    static func show(_ error: any Error) -> String {
        let typeName = String(describing: type(of: error))
        let text: String
        let described: Bool
        if let printable = error as Any as? any CustomStringConvertible {
            (text, described) = (printable.description, true)
        } else if let localized = (error as? any LocalizedError)?.errorDescription {
            (text, described) = (localized, true)
        } else {
            // Swift's own rendering: the case of an enum (`closed`, `limit(amount: 5)`),
            // or the type and its fields for a struct (`Failure(code: 3)`).
            (text, described) = (String(describing: error), false)
        }
        if text.hasPrefix(typeName + ".") || text.hasPrefix(typeName + "(") { return text }
        return described ? "\(typeName) \"\(text)\"" : "\(typeName).\(text)"
    }

    private static func list(_ lines: [String]) -> String {
        lines.isEmpty ? "    (none)" : lines.enumerated().map { "    \($0 + 1). \($1)" }.joined(separator: "\n")
    }

    private static func count(_ count: Int) -> String {
        count == 1 ? "1 event" : "\(count) events"
    }

    private static func isEqual<T: Equatable>(_ lhs: T, _ rhs: Any) -> Bool {
        guard let rhs = rhs as? T else { return false }
        return lhs == rhs
    }
}
