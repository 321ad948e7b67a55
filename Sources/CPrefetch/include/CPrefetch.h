#ifndef MMUSH_CPREFETCH_H
#define MMUSH_CPREFETCH_H

/// Starts bringing the cache line at `p` in, for a read soon, without waiting for it: a TLB
/// hit asks for its entry's line while it compares the hash slot's key, so that the two
/// cache misses overlap rather than follow one another. Swift has no prefetch of its own;
/// this inline function compiles to the one instruction.
static inline void mmush_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

#endif
