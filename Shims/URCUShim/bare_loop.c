// The bare C loop of the fast path's primitives (see mmut_bare_loop.h):
// the physical limit that `mmutorture bench` compares the harness with.
// The memb read-side section comes inline from liburcu's static header,
// the atomics from mmut_atomics.h: the same instructions the harness uses.
#include "include/urcu_shim_inline.h"
#include "include/mmut_atomics.h"
#include "include/mmut_bare_loop.h"

#define SPTE_W          (1ULL << 1)
#define SPTE_PFN_SHIFT  12
#define SPTE_PFN_MASK   (((1ULL << 40) - 1) << SPTE_PFN_SHIFT)
#define SPTE_ID_SHIFT   56
#define SPTE_ID_MASK    (0xffULL << SPTE_ID_SHIFT)   /* the vmx layout: the whole top byte */

uint64_t mmut_bare_fast_path_memb(uint64_t *mem, uint64_t root, const uint64_t *flag, uint64_t id,
                                  const uint64_t *stop) {
    uint64_t n = 0;
    while (mmut_load_relaxed(stop) == 0) {
        for (int i = 0; i < 256; i++) {
            mmut_memb_read_lock();
            uint64_t page = root;
            for (int level = 0; level < 3; level++)
                page = (mmut_load_acquire(&mem[page * 512 + 5]) & SPTE_PFN_MASK) >> SPTE_PFN_SHIFT;
            uint64_t *sp = &mem[page * 512 + 5];
            uint64_t spte = mmut_load_acquire(sp);
            uint64_t clean = (spte & ~SPTE_ID_MASK) & ~SPTE_W;
            uint64_t marked = clean | (id << SPTE_ID_SHIFT);
            mmut_store_top_byte(sp, (uint8_t)(marked >> SPTE_ID_SHIFT));
            mmut_smp_mb();
            if (mmut_load_acquire(flag) == 0) {
                uint64_t expected = marked;
                if (mmut_cmpxchg(sp, &expected, clean | SPTE_W)) n++;
            }
            mmut_store_release(sp, clean);   /* reset for the next round */
            mmut_memb_read_unlock();
        }
    }
    return n;
}
