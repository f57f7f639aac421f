/* fuzz.h - what every harness of tests/fuzz/ defines.
 *
 * A harness is a libFuzzer target: LLVMFuzzerTestOneInput() feeds one
 * input through a parser and what renders its result, and must neither
 * crash, leak nor trip a sanitizer whatever the bytes.  With
 * --enable-fuzzing it is linked with libFuzzer; otherwise with driver.c,
 * which replays files (the checked-in corpus) through it, so that make
 * check runs every seed under the build's sanitizers.
 */
#ifndef PKIT_FUZZ_H
#define PKIT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A fixed clock for the harnesses (2026-01-01T00:00:00Z), so that a
 * finding replays the same way tomorrow. */
#define FUZZ_NOW 1767225600

#endif
