// libFuzzer's driver, for a program that has its own main. The symbol comes from the
// runtime that `-sanitize=fuzzer` links in; nothing else is linked here.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*callback)(const uint8_t *data, size_t size));
