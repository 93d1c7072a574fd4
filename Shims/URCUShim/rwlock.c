#define _GNU_SOURCE
#include <pthread.h>
#include "mmut_rwlock.h"

int mmut_rwlock_init(pthread_rwlock_t *lock) {
    pthread_rwlockattr_t attr;
    int rc = pthread_rwlockattr_init(&attr);
    if (rc != 0) return rc;
    // Writers first: PREFER_WRITER_NP is ignored by glibc; this kind is not.
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    rc = pthread_rwlock_init(lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    return rc;
}
