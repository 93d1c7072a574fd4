// liburcu flavour "memb" (membarrier syscall): one flavour per translation unit.
#define _LGPL_SOURCE
#define URCU_API_MAP  /* keep the short names (rcu_read_lock, call_rcu, ...) mapped to this flavour */
#include <urcu/urcu-memb.h>
#include "flavour_common.h"

uint64_t mmut_rcu_callbacks_counter;
uint64_t mmut_rcu_callbacks_run(void) { return __atomic_load_n(&mmut_rcu_callbacks_counter, __ATOMIC_SEQ_CST); }

MMUT_DEFINE_FLAVOUR(memb)
