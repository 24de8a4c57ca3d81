internal import ArgumentParser
internal import Chronicle

/// `chronicle bus`: the group of `publish`, `consume`, `groups` and `dlq`.
struct BusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bus",
        abstract: "Publish to topics, consume in groups, and inspect the bus's consumer groups and dead letters.",
        discussion: ChronicleCommands.discussion(
            """
            A topic is a stream category: a message published to 'orders' is an event in a stream
            orders-ID. A consumer group gets every message of its topics once; the members of one group
            (several 'bus consume' processes with the same --group) split the streams by partition and
            keep each stream's order. See Docs/Bus.md.

            EXAMPLES
              chronicle bus publish orders --type OrderPlaced --data '{"total":42}' --stream 42 --store shop.sqlite
              chronicle bus consume orders --group billing --store shop.sqlite
              chronicle bus groups --json
              chronicle bus dlq list --group billing
            """),
        subcommands: [
            BusPublishCommand.self, BusConsumeCommand.self, BusGroupsCommand.self, BusDeadLettersCommand.self,
        ])
}

/// Parses a topic given on the command line; an invalid one is bad input.
func parseTopic(_ text: String) throws -> Topic {
    do {
        return try Topic(text)
    } catch let error as EventStoreError {
        throw CommandError(.badInput, error.message)
    }
}

/// Checks a group name given on the command line; an invalid one is bad input.
func parseGroup(_ text: String) throws -> String {
    do {
        try ConsumerGroup.validate(name: text)
        return text
    } catch let error as EventStoreError {
        throw CommandError(.badInput, error.message)
    }
}
