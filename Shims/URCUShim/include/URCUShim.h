// Umbrella header of the C shim over liburcu 0.13 that Swift imports.
#include "urcu_shim_decls.h"
#include "urcu_shim_inline.h"
#include "mmut_atomics.h"
#include "mmut_coro.h"
#include "mmut_bare_loop.h"
#include "mmut_affinity.h"
#include "mmut_rwlock.h"
