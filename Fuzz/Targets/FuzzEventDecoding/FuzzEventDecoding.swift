// libFuzzer entry point; build and run with Scripts/fuzz.sh.
import ChronicleFuzzChecks

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTarget.eventDecoding.fuzz(data, size)
}
