// Inline fast paths: memb and qsbr read-side critical sections straight from
// liburcu's urcu/static/ headers (about 1 ns instead of 3-10 ns for a call).
// The static flavour headers coexist in one translation unit; only the public
// ones (with their call-rcu maps) clash, and those stay in the .c files.
#ifndef MMUT_URCU_SHIM_INLINE_H
#define MMUT_URCU_SHIM_INLINE_H

#ifndef _LGPL_SOURCE
#define _LGPL_SOURCE
#endif
#include <urcu/static/urcu-memb.h>
#include <urcu/static/urcu-qsbr.h>

static inline __attribute__((always_inline)) void mmut_memb_read_lock(void) { _urcu_memb_read_lock(); }
static inline __attribute__((always_inline)) void mmut_memb_read_unlock(void) { _urcu_memb_read_unlock(); }
static inline __attribute__((always_inline)) int mmut_memb_read_ongoing(void) { return _urcu_memb_read_ongoing(); }

static inline __attribute__((always_inline)) void mmut_qsbr_read_lock(void) { _urcu_qsbr_read_lock(); }
static inline __attribute__((always_inline)) void mmut_qsbr_read_unlock(void) { _urcu_qsbr_read_unlock(); }
static inline __attribute__((always_inline)) int mmut_qsbr_read_ongoing(void) { return _urcu_qsbr_read_ongoing(); }
static inline __attribute__((always_inline)) void mmut_qsbr_quiescent_state(void) { _urcu_qsbr_quiescent_state(); }
static inline __attribute__((always_inline)) void mmut_qsbr_thread_offline(void) { _urcu_qsbr_thread_offline(); }
static inline __attribute__((always_inline)) void mmut_qsbr_thread_online(void) { _urcu_qsbr_thread_online(); }

#endif
