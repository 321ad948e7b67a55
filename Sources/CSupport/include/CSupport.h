#ifndef MMUSH_CSUPPORT_H
#define MMUSH_CSUPPORT_H
#include <stddef.h>

/// The lowest address of the calling thread's stack and its size, from
/// pthread_getattr_np (a GNU extension Swift's Glibc module does not export).
/// Returns 0 on success.
int mmush_stack_bounds(void **low, size_t *size);

#endif
