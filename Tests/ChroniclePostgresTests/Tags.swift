import Testing

extension Tag {
    /// Tests that start OS processes of the package's executables: slow, and about processes.
    @Tag static var processes: Self
}
