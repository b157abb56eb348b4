/*
 * fuzz.h — the contract of every fuzz target in tests/fuzz/: one LLVMFuzzerTestOneInput and
 * an optional setup. Built two ways: with clang -fsanitize=fuzzer (`make fuzz`), and with
 * driver.c, which replays a corpus directory (`make check` runs every saved input, so a crash
 * once found stays fixed).
 */
#ifndef HELPO_FUZZ_H
#define HELPO_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
