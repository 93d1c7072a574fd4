// The mmu-lock as a reader-writer lock (the TDP MMU's `kvm->mmu_lock` is an
// rwlock_t): a writer-preferring pthread rwlock, so that a stream of readers
// (vCPU page faults) cannot starve the mmu threads' write sections.
#ifndef MMUT_RWLOCK_H
#define MMUT_RWLOCK_H
#include <pthread.h>

/// Initialises `lock` as a writer-preferring rwlock; returns pthread's status.
int mmut_rwlock_init(pthread_rwlock_t *lock);
#endif
