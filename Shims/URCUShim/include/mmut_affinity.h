// Thread placement for the native runner (`placement: round-robin`).
#ifndef MMUT_AFFINITY_H
#define MMUT_AFFINITY_H

#ifdef __cplusplus
extern "C" {
#endif

/// Pins the calling thread to CPU `cpu` (sched_setaffinity). Returns 0, or
/// an errno value when the kernel refuses (the CPU is not in the process's
/// allowed set, for example).
int mmut_pin_to_cpu(int cpu);

/// The CPUs the process may run on, in ascending order: writes up to `max`
/// of them into `cpus` and returns how many there are in all.
int mmut_allowed_cpus(int *cpus, int max);

/// The CPU the calling thread runs on now (sched_getcpu), or -1.
int mmut_current_cpu(void);

#ifdef __cplusplus
}
#endif

#endif
