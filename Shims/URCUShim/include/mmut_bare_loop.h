// The physical limit of the fast path: the vcpu-id fast page fault's
// primitives in a bare C loop, compiled -O2, for `mmutorture bench`.
#ifndef MMUT_BARE_LOOP_H
#define MMUT_BARE_LOOP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Runs until `*stop` is non-zero, on a thread registered with liburcu's
/// memb flavour: 256 times per check of `stop`, an inline memb read lock, a
/// 4-level walk from page `root` of `mem` (pages of 512 words, the entry at
/// index 5 of each level), the spte load, the one-byte identification
/// store (`movb`), `smp_mb()`, the load of `*flag`, the final `lock
/// cmpxchg` that sets W, a store that resets the spte, and the unlock.
/// Returns the number of successful cmpxchgs. Exactly the loop of
/// `Microbench.bareFastPath` (Swift), spte encoding and all.
uint64_t mmut_bare_fast_path_memb(uint64_t *mem, uint64_t root, const uint64_t *flag, uint64_t id,
                                  const uint64_t *stop);

#ifdef __cplusplus
}
#endif

#endif
