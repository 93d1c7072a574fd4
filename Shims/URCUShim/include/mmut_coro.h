// Coroutines for the deterministic mode's simulated threads.
//
// Only one simulated thread runs at a time, and the scheduler switches
// between them at every platform operation, so the switch has to be cheap:
// a few nanoseconds, no system call. This is a minimal x86-64 System V
// context switch: it saves the callee-saved registers (rbx, rbp, r12-r15),
// MXCSR and the x87 control word on the old stack, stores the stack pointer,
// and restores the same from the new stack. Caller-saved registers need no
// saving: the switch is an ordinary C call, so the compiler already assumes
// they are clobbered. No signal mask is saved (swapcontext does, with a
// system call each way: that is what makes it slow).
//
// Swift code runs on these stacks, so give them room (256 KiB or more): the
// allocator below maps a guard page under each stack so that an overflow
// faults instead of silently corrupting the neighbouring stack.
#ifndef MMUT_CORO_H
#define MMUT_CORO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A suspended execution context: just its saved stack pointer (everything
/// else lives on its stack). Zero-initialise it for the context that is
/// running now (the first switch away from it fills it in).
typedef struct mmut_coro {
    void *sp;
} mmut_coro;

/// The function a coroutine starts in. It must never return: it ends by
/// switching away for good (returning aborts the process with a message).
typedef void (*mmut_coro_entry)(void *arg);

/// Prepares `ctx` so that the first `mmut_coro_switch(..., ctx)` calls
/// `entry(arg)` on the stack [stack, stack + size). The new context starts
/// with the caller's MXCSR and x87 control word. `stack` is the lowest usable
/// address (as returned by `mmut_coro_stack_alloc`); `size` at least 4 KiB.
/// A context may be re-initialised at any time it is not running: whatever
/// was suspended on its stack is simply forgotten (never unwound).
void mmut_coro_init(mmut_coro *ctx, void *stack, size_t size, mmut_coro_entry entry, void *arg);

/// Saves the running context into `from` and resumes `to`. Returns when some
/// later switch resumes `from`. `from` and `to` must differ.
void mmut_coro_switch(mmut_coro *from, mmut_coro *to);

/// Maps a stack of `size` usable bytes (rounded up to whole pages) with one
/// inaccessible guard page below it. Returns the lowest usable address, or
/// NULL when the mapping fails. Pages are committed lazily, so generous sizes
/// cost address space only.
void *mmut_coro_stack_alloc(size_t size);

/// Unmaps a stack from `mmut_coro_stack_alloc` (same `size`).
void mmut_coro_stack_free(void *stack, size_t size);

// Measurements of the switch mechanisms considered ("measure the
// options"). Each returns nanoseconds per one-way switch, best of a few
// rounds of `switches` switches. Figures, never assertions.

/// This file's assembly switch (two coroutines ping-ponging).
double mmut_coro_bench_asm(uint64_t switches);
/// glibc's ucontext `swapcontext` (saves the signal mask: two syscalls).
double mmut_coro_bench_ucontext(uint64_t switches);
/// Two pthreads handing a token back and forth through a futex word.
double mmut_coro_bench_futex(uint64_t switches);
/// Two pthreads handing a token back and forth through two POSIX semaphores.
double mmut_coro_bench_semaphore(uint64_t switches);

#ifdef __cplusplus
}
#endif
#endif
