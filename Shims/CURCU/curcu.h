// Deliberately tiny: the flavour headers clash when two of them share a
// translation unit, so they are included one per .c file in Shims/URCUShim.
#include <urcu/arch.h>
