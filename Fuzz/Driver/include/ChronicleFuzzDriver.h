// libFuzzer's driver, for fuzz targets that bring their own `main`
// (SwiftPM names an executable's entry point after its module, so libFuzzer's
// own `main` cannot be used). Linked from libFuzzer by `-sanitize=fuzzer`.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
