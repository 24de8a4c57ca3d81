// A libFuzzer target; Scripts/fuzz.sh builds and runs it.
import ChronicleFuzzChecks
import ChronicleFuzzDriver
import Foundation

@main
enum FuzzStreamName {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in FuzzTarget.streamName.fuzz(data, size) })
    }
}
