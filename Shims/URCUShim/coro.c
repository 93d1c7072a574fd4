// Coroutine context switch for the deterministic mode (see mmut_coro.h), and
// the measurements that chose it over ucontext and thread hand-offs.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include "include/mmut_coro.h"

#if !defined(__x86_64__)
#error "mmut_coro: x86-64 only (the simulated platform models x86-TSO on x86-64 Linux)"
#endif

// Saved frame on a suspended stack, lowest address first:
//   [ mxcsr:32 | x87 cw:16 | pad:16 ]  r15  r14  r13  r12  rbx  rbp  return-address
// mmut_coro_switch pushes it, swaps rsp, pops the other one and returns into
// the other context. A fresh context gets a hand-made frame whose return
// address is mmut_coro_trampoline, with entry in r12 and arg in r13.
__asm__(
    ".text\n"
    ".globl mmut_coro_switch\n"
    ".type mmut_coro_switch,@function\n"
    ".p2align 4\n"
    "mmut_coro_switch:\n"
    "    .cfi_startproc\n"
    "    pushq %rbp\n"
    "    .cfi_adjust_cfa_offset 8\n"
    "    pushq %rbx\n"
    "    .cfi_adjust_cfa_offset 8\n"
    "    pushq %r12\n"
    "    .cfi_adjust_cfa_offset 8\n"
    "    pushq %r13\n"
    "    .cfi_adjust_cfa_offset 8\n"
    "    pushq %r14\n"
    "    .cfi_adjust_cfa_offset 8\n"
    "    pushq %r15\n"
    "    .cfi_adjust_cfa_offset 8\n"
    "    subq $8, %rsp\n"
    "    .cfi_adjust_cfa_offset 8\n"
    "    stmxcsr (%rsp)\n"
    "    fnstcw 4(%rsp)\n"
    "    movq %rsp, (%rdi)\n"        // from->sp = rsp
    "    movq (%rsi), %rsp\n"        // rsp = to->sp (same frame layout: the CFI stays right)
    "    ldmxcsr (%rsp)\n"
    "    fldcw 4(%rsp)\n"
    "    addq $8, %rsp\n"
    "    .cfi_adjust_cfa_offset -8\n"
    "    popq %r15\n"
    "    .cfi_adjust_cfa_offset -8\n"
    "    popq %r14\n"
    "    .cfi_adjust_cfa_offset -8\n"
    "    popq %r13\n"
    "    .cfi_adjust_cfa_offset -8\n"
    "    popq %r12\n"
    "    .cfi_adjust_cfa_offset -8\n"
    "    popq %rbx\n"
    "    .cfi_adjust_cfa_offset -8\n"
    "    popq %rbp\n"
    "    .cfi_adjust_cfa_offset -8\n"
    "    ret\n"
    "    .cfi_endproc\n"
    ".size mmut_coro_switch, .-mmut_coro_switch\n"
    "\n"
    ".type mmut_coro_trampoline,@function\n"
    ".p2align 4\n"
    "mmut_coro_trampoline:\n"
    "    .cfi_startproc\n"
    "    .cfi_undefined rip\n"        // the outermost frame: unwinders stop here
    "    movq %r13, %rdi\n"
    "    callq *%r12\n"
    "    callq mmut_coro_entry_returned\n"
    "    ud2\n"
    "    .cfi_endproc\n"
    ".size mmut_coro_trampoline, .-mmut_coro_trampoline\n");

void mmut_coro_trampoline(void);

__attribute__((visibility("hidden"), noreturn, used))
void mmut_coro_entry_returned(void) {
    fprintf(stderr, "mmutorture: internal error: a coroutine's entry function returned\n");
    abort();
}

void mmut_coro_init(mmut_coro *ctx, void *stack, size_t size, mmut_coro_entry entry, void *arg) {
    uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)top;
    // Two zero words above the trampoline's frame: after `ret` pops the
    // return address, rsp = top - 16, 16-byte aligned as the ABI wants
    // before the trampoline's call.
    *--sp = 0;
    *--sp = 0;
    *--sp = (uint64_t)(uintptr_t)mmut_coro_trampoline;  // return address
    *--sp = 0;                                          // rbp (ends frame-pointer chains)
    *--sp = 0;                                          // rbx
    *--sp = (uint64_t)(uintptr_t)entry;                 // r12
    *--sp = (uint64_t)(uintptr_t)arg;                   // r13
    *--sp = 0;                                          // r14
    *--sp = 0;                                          // r15
    // Start with the creator's floating-point control state.
    uint32_t mxcsr;
    uint16_t fpucw;
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    __asm__ volatile("fnstcw %0" : "=m"(fpucw));
    *--sp = (uint64_t)mxcsr | ((uint64_t)fpucw << 32);
    ctx->sp = sp;
}

static size_t page_size(void) {
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? (size_t)p : 4096;
}

void *mmut_coro_stack_alloc(size_t size) {
    size_t page = page_size();
    size_t usable = (size + page - 1) / page * page;
    void *base = mmap(NULL, usable + page, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (base == MAP_FAILED) return NULL;
    // The guard page: the lowest page, so an overflow (stacks grow down) faults.
    if (mprotect(base, page, PROT_NONE) != 0) {
        munmap(base, usable + page);
        return NULL;
    }
    return (char *)base + page;
}

void mmut_coro_stack_free(void *stack, size_t size) {
    if (!stack) return;
    size_t page = page_size();
    size_t usable = (size + page - 1) / page * page;
    munmap((char *)stack - page, usable + page);
}

// MARK: measurements

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

enum { BENCH_ROUNDS = 3, BENCH_STACK = 64 * 1024 };

static mmut_coro bench_main, bench_peer;

static void bench_asm_entry(void *arg) {
    (void)arg;
    for (;;) mmut_coro_switch(&bench_peer, &bench_main);
}

double mmut_coro_bench_asm(uint64_t switches) {
    void *stack = mmut_coro_stack_alloc(BENCH_STACK);
    if (!stack) return -1;
    double best = 1e300;
    for (int r = 0; r < BENCH_ROUNDS; r++) {
        mmut_coro_init(&bench_peer, stack, BENCH_STACK, bench_asm_entry, NULL);
        uint64_t t0 = now_ns();
        for (uint64_t i = 0; i < switches / 2; i++) mmut_coro_switch(&bench_main, &bench_peer);
        double ns = (double)(now_ns() - t0) / (double)(switches / 2 * 2);
        if (ns < best) best = ns;
    }
    mmut_coro_stack_free(stack, BENCH_STACK);
    return best;
}

static ucontext_t uc_main, uc_peer;

static void bench_ucontext_entry(void) {
    for (;;) swapcontext(&uc_peer, &uc_main);
}

double mmut_coro_bench_ucontext(uint64_t switches) {
    void *stack = mmut_coro_stack_alloc(BENCH_STACK);
    if (!stack) return -1;
    double best = 1e300;
    for (int r = 0; r < BENCH_ROUNDS; r++) {
        getcontext(&uc_peer);
        uc_peer.uc_stack.ss_sp = stack;
        uc_peer.uc_stack.ss_size = BENCH_STACK;
        uc_peer.uc_link = NULL;
        makecontext(&uc_peer, bench_ucontext_entry, 0);
        uint64_t t0 = now_ns();
        for (uint64_t i = 0; i < switches / 2; i++) swapcontext(&uc_main, &uc_peer);
        double ns = (double)(now_ns() - t0) / (double)(switches / 2 * 2);
        if (ns < best) best = ns;
    }
    mmut_coro_stack_free(stack, BENCH_STACK);
    return best;
}

// Thread hand-off: whose turn it is (0 = main thread, 1 = peer).
static uint32_t futex_turn;
static uint64_t handoff_rounds;

static void futex_wait_for(uint32_t want) {
    uint32_t v;
    while ((v = __atomic_load_n(&futex_turn, __ATOMIC_ACQUIRE)) != want)
        syscall(SYS_futex, &futex_turn, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
}

static void futex_hand_to(uint32_t who) {
    __atomic_store_n(&futex_turn, who, __ATOMIC_RELEASE);
    syscall(SYS_futex, &futex_turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *bench_futex_peer(void *arg) {
    (void)arg;
    for (uint64_t i = 0; i < handoff_rounds; i++) {
        futex_wait_for(1);
        futex_hand_to(0);
    }
    return NULL;
}

double mmut_coro_bench_futex(uint64_t switches) {
    double best = 1e300;
    for (int r = 0; r < BENCH_ROUNDS; r++) {
        handoff_rounds = switches / 2;
        futex_turn = 0;
        pthread_t peer;
        if (pthread_create(&peer, NULL, bench_futex_peer, NULL) != 0) return -1;
        uint64_t t0 = now_ns();
        for (uint64_t i = 0; i < handoff_rounds; i++) {
            futex_hand_to(1);
            futex_wait_for(0);
        }
        double ns = (double)(now_ns() - t0) / (double)(handoff_rounds * 2);
        pthread_join(peer, NULL);
        if (ns < best) best = ns;
    }
    return best;
}

static sem_t sem_to_peer, sem_to_main;

static void *bench_semaphore_peer(void *arg) {
    (void)arg;
    for (uint64_t i = 0; i < handoff_rounds; i++) {
        while (sem_wait(&sem_to_peer) != 0 && errno == EINTR) {}
        sem_post(&sem_to_main);
    }
    return NULL;
}

double mmut_coro_bench_semaphore(uint64_t switches) {
    double best = 1e300;
    for (int r = 0; r < BENCH_ROUNDS; r++) {
        handoff_rounds = switches / 2;
        sem_init(&sem_to_peer, 0, 0);
        sem_init(&sem_to_main, 0, 0);
        pthread_t peer;
        if (pthread_create(&peer, NULL, bench_semaphore_peer, NULL) != 0) return -1;
        uint64_t t0 = now_ns();
        for (uint64_t i = 0; i < handoff_rounds; i++) {
            sem_post(&sem_to_peer);
            while (sem_wait(&sem_to_main) != 0 && errno == EINTR) {}
        }
        double ns = (double)(now_ns() - t0) / (double)(handoff_rounds * 2);
        pthread_join(peer, NULL);
        sem_destroy(&sem_to_peer);
        sem_destroy(&sem_to_main);
        if (ns < best) best = ns;
    }
    return best;
}
