// liburcu flavour "bp" (bulletproof: readers register themselves lazily): one
// flavour per translation unit.
#define _LGPL_SOURCE
#define URCU_API_MAP  /* keep the short names (rcu_read_lock, call_rcu, ...) mapped to this flavour */
#include <urcu/urcu-bp.h>
#include "flavour_common.h"

MMUT_DEFINE_FLAVOUR(bp)
