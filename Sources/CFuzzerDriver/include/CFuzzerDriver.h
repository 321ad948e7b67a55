#ifndef MMUSH_CFUZZERDRIVER_H
#define MMUSH_CFUZZERDRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's public driver (compiler-rt, FuzzerInterface.h). SwiftPM links an executable
/// target with `--defsym main=<Target>_main`, so libFuzzer's own main() is never used: the
/// harness exports `MMUFuzz_main` and calls this. Linked only with `-sanitize=fuzzer`.
int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*UserCb)(const uint8_t *Data, size_t Size));

#endif
