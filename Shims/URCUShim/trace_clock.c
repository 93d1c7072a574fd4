// The trace clock's published reading (mmut_atomics.h; docs/model.md,
// "The trace clock"), on a cache line of its own.
#include <stdint.h>

__attribute__((aligned(64))) uint64_t mmut_trace_clock_line[8];
