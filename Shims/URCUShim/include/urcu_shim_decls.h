// Out-of-line liburcu entry points, one set per flavour. Each flavour is
// implemented in its own translation unit (memb.c, qsbr.c, mb.c, bp.c): the
// flavour headers map the short names (rcu_read_lock, call_rcu, ...) with
// macros and their call-rcu declarations clash when two share a file.
#ifndef MMUT_URCU_SHIM_DECLS_H
#define MMUT_URCU_SHIM_DECLS_H

#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A call_rcu callback: the shim's C trampoline calls it with the context
/// pointer given to call_rcu, after a grace period, on liburcu's call_rcu thread.
typedef void (*mmut_rcu_callback)(void *context);

#define MMUT_DECLARE_FLAVOUR(f)                                              \
    void mmut_##f##_register_thread(void);                                   \
    void mmut_##f##_unregister_thread(void);                                 \
    void mmut_##f##_read_lock_outline(void);                                 \
    void mmut_##f##_read_unlock_outline(void);                               \
    int  mmut_##f##_read_ongoing_outline(void);                              \
    void mmut_##f##_synchronize(void);                                       \
    void mmut_##f##_call_rcu(mmut_rcu_callback callback, void *context);     \
    void mmut_##f##_barrier(void);

MMUT_DECLARE_FLAVOUR(memb)
MMUT_DECLARE_FLAVOUR(qsbr)
MMUT_DECLARE_FLAVOUR(mb)
MMUT_DECLARE_FLAVOUR(bp)

#undef MMUT_DECLARE_FLAVOUR

/// QSBR only: report a quiescent state; go offline/online around blocking.
void mmut_qsbr_quiescent_state_outline(void);
void mmut_qsbr_thread_offline_outline(void);
void mmut_qsbr_thread_online_outline(void);

/// SIGINT/SIGTERM handling: the handler only records the signal.
void mmut_install_interrupt_handlers(void);
int mmut_interrupt_signal(void);
void mmut_clear_interrupt(void);

/// Number of call_rcu callbacks that have run (all flavours), for tests.
uint64_t mmut_rcu_callbacks_run(void);

#ifdef __cplusplus
}
#endif
#endif
