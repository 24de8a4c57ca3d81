import Testing

extension Tag {
    /// Tests that start OS processes of their own: slower, and sensitive to a loaded machine.
    @Tag static var processes: Self
}
