// SIGINT/SIGTERM: set a flag that the run loop polls, so the threads stop
// cleanly and the report is written (the README: reports also on Ctrl-C).
#include <signal.h>
#include <string.h>
#include "include/urcu_shim_decls.h"

static volatile sig_atomic_t mmut_signal_seen;

static void mmut_on_signal(int sig) {
    mmut_signal_seen = sig;
}

void mmut_install_interrupt_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = mmut_on_signal;
    // Restart interrupted system calls: a read from a child's pipe
    // (Foundation's, which traps on EINTR) goes on; the loops poll the flag.
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int mmut_interrupt_signal(void) { return mmut_signal_seen; }
void mmut_clear_interrupt(void) { mmut_signal_seen = 0; }
