// Atomic primitives on raw 64-bit memory, as the protocol needs them.
//
// GCC/Clang __atomic builtins, inlined into Swift by the Clang importer. On
// x86-64 they compile to exactly the instructions the kernel uses: a plain
// mov for acquire loads and release stores, lock cmpxchg / xchg / lock or /
// lock and for the read-modify-writes, and liburcu's cmm_smp_mb() for the
// full barrier. They are kept here, rather than in Swift, so that one file
// states every ordering and so that the mixed-size access below is possible.
#ifndef MMUT_ATOMICS_H
#define MMUT_ATOMICS_H

#include <stdint.h>
#include <stdbool.h>
#include <urcu/arch.h>
#include <urcu/compiler.h>

#define MMUT_INLINE static inline __attribute__((always_inline))

MMUT_INLINE uint64_t mmut_load_relaxed(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
MMUT_INLINE uint64_t mmut_load_acquire(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
MMUT_INLINE void mmut_store_relaxed(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELAXED); }
MMUT_INLINE void mmut_store_release(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

/// Sequentially consistent compare-and-exchange (lock cmpxchg). On failure
/// *expected receives the current value.
MMUT_INLINE bool mmut_cmpxchg(uint64_t *p, uint64_t *expected, uint64_t desired) {
    return __atomic_compare_exchange_n(p, expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
MMUT_INLINE uint64_t mmut_xchg(uint64_t *p, uint64_t v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }
MMUT_INLINE uint64_t mmut_fetch_or(uint64_t *p, uint64_t v) { return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST); }
MMUT_INLINE uint64_t mmut_fetch_and(uint64_t *p, uint64_t v) { return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST); }
MMUT_INLINE uint64_t mmut_fetch_add(uint64_t *p, uint64_t v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }

/// A plain one-byte store into the top byte (bits 56-63) of a little-endian
/// 64-bit word: `movb`, no lock prefix. This is how the vcpu-id fast path
/// writes its identification (docs/protocols.md). It must not be a locked
/// instruction: a locked RMW drains the store buffer and would hide the
/// store->load reordering that the barrier mutants depend on.
MMUT_INLINE void mmut_store_top_byte(uint64_t *p, uint8_t b) {
    __atomic_store_n(((uint8_t *)p) + 7, b, __ATOMIC_RELAXED);
}

/// Full barrier: liburcu's smp_mb (orders earlier stores before later loads).
MMUT_INLINE void mmut_smp_mb(void) { cmm_smp_mb(); }
/// Compiler-only barrier.
MMUT_INLINE void mmut_compiler_barrier(void) { cmm_barrier(); }
/// Spin-wait hint (pause).
MMUT_INLINE void mmut_cpu_relax(void) { caa_cpu_relax(); }



/// The time-stamp counter: orders trace events across threads (constant,
/// synchronised TSC on every x86-64 this runs on; not a memory barrier).
MMUT_INLINE uint64_t mmut_rdtsc(void) { return __builtin_ia32_rdtsc(); }

/// The trace clock's latest published TSC reading, alone on its cache line
/// (docs/model.md, "The trace clock"): every event that reads the TSC
/// publishes its reading here, and the per-access events, which do not read
/// it, are stamped after the latest reading they can see. A hint for the
/// trace's order only: relaxed plain accesses, never a fence or a locked
/// instruction, so it cannot hide a store-buffer reordering.
extern uint64_t mmut_trace_clock_line[8];
MMUT_INLINE uint64_t mmut_trace_clock_seen(void) {
    return __atomic_load_n(&mmut_trace_clock_line[0], __ATOMIC_RELAXED);
}
MMUT_INLINE void mmut_trace_clock_publish(uint64_t t) {
    if (t > __atomic_load_n(&mmut_trace_clock_line[0], __ATOMIC_RELAXED))
        __atomic_store_n(&mmut_trace_clock_line[0], t, __ATOMIC_RELAXED);
}

#endif
