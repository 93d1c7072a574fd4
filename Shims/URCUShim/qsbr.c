// liburcu flavour "qsbr" (quiescent-state based): one flavour per translation unit.
#define _LGPL_SOURCE
#define URCU_API_MAP  /* keep the short names (rcu_read_lock, call_rcu, ...) mapped to this flavour */
#include <urcu/urcu-qsbr.h>
#include "flavour_common.h"

MMUT_DEFINE_FLAVOUR(qsbr)

void mmut_qsbr_quiescent_state_outline(void) { rcu_quiescent_state(); }
void mmut_qsbr_thread_offline_outline(void) { rcu_thread_offline(); }
void mmut_qsbr_thread_online_outline(void) { rcu_thread_online(); }
