// The standalone `chronicle` tool: the store-level commands of ChronicleCLI
// under one root command, with ChronicleCLI's error and exit-code handling.
import ChronicleCLI

await CommandRunner.main(ChronicleToolCommand.self)
