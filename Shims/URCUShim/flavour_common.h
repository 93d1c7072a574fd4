// Shared by memb.c, qsbr.c, mb.c and bp.c: each includes exactly one public
// flavour header before this file, so the short names below (rcu_read_lock,
// synchronize_rcu, call_rcu, rcu_barrier, ...) resolve to that flavour.
#include <stdlib.h>
#include <urcu/compiler.h>
#include "include/urcu_shim_decls.h"

extern uint64_t mmut_rcu_callbacks_counter;

struct mmut_rcu_request {
    struct rcu_head head;
    mmut_rcu_callback callback;
    void *context;
};

#define MMUT_DEFINE_FLAVOUR(f)                                                   \
    static void mmut_##f##_trampoline(struct rcu_head *head) {                  \
        struct mmut_rcu_request *r = caa_container_of(head, struct mmut_rcu_request, head); \
        r->callback(r->context);                                                \
        __atomic_fetch_add(&mmut_rcu_callbacks_counter, 1, __ATOMIC_SEQ_CST);    \
        free(r);                                                                \
    }                                                                           \
    void mmut_##f##_register_thread(void) { rcu_register_thread(); }           \
    void mmut_##f##_unregister_thread(void) { rcu_unregister_thread(); }       \
    void mmut_##f##_read_lock_outline(void) { rcu_read_lock(); }               \
    void mmut_##f##_read_unlock_outline(void) { rcu_read_unlock(); }           \
    int  mmut_##f##_read_ongoing_outline(void) { return rcu_read_ongoing(); }  \
    void mmut_##f##_synchronize(void) { synchronize_rcu(); }                   \
    void mmut_##f##_call_rcu(mmut_rcu_callback callback, void *context) {      \
        struct mmut_rcu_request *r = malloc(sizeof(*r));                        \
        if (!r) abort();                                                        \
        r->callback = callback;                                                 \
        r->context = context;                                                   \
        call_rcu(&r->head, mmut_##f##_trampoline);                              \
    }                                                                           \
    void mmut_##f##_barrier(void) { rcu_barrier(); }
