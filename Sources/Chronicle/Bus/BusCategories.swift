/// The stream categories the bus keeps its own messages in. They start with `$`,
/// so no topic (and not ``Topic/all``) contains them.
package enum BusCategories {
    /// Delayed messages wait here (`$scheduled-<message id>`) until the scheduler publishes them.
    package static let scheduled = "$scheduled"
    /// Dead letters retried for one group (`$redeliver-<group>`).
    package static let redelivery = "$redeliver"
    /// Replies of request-reply (`$reply-<correlation id>`).
    package static let replies = "$reply"

    /// The stream of a group's redeliveries.
    package static func redeliveryStream(group: String) throws -> StreamName {
        try StreamName(category: redelivery, id: group)
    }
}
