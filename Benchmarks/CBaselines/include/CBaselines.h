// Plain C implementations of the work mmush-bench times, built in the same package with the
// same optimisation, so that each walk scenario reports mmush's cost as a ratio to C measured
// side by side in one process. Deliberately simple and fast: the floor a model could reach.
#ifndef CBASELINES_H
#define CBASELINES_H

#include <stddef.h>
#include <stdint.h>

/// Sparse physical memory: 4 KiB pages found through an open-addressing hash of frame
/// numbers, as mmush's PhysicalMemory finds them, their bytes in one mapping of at most
/// `expected_pages` pages. Unbacked memory reads as zero.
typedef struct cb_memory cb_memory;

cb_memory *cb_memory_create(size_t expected_pages);
void cb_memory_destroy(cb_memory *memory);
/// Copies one 4 KiB page (`bytes`) in at physical address `pa` (page aligned).
int cb_memory_add_page(cb_memory *memory, uint64_t pa, const void *bytes);
uint64_t cb_memory_read64(const cb_memory *memory, uint64_t pa);

/// One stage's shape: granule bits (12, 14, 16), input bits, start level, and how a
/// descriptor holds a 52-bit address (0: bits [47:G]; 1: FEAT_LPA, [15:12] = [51:48];
/// 2: LPA2, [9:8] = [51:50]).
typedef struct cb_stage {
  uint64_t root;
  int granule_bits;
  int input_bits;
  int start_level;
  int oa_format;
} cb_stage;

/// A walk's result: 0 and the output address, or a fault (1 Translation, 2 Access flag) with
/// its level in `level`.
typedef struct cb_result {
  uint64_t pa;
  int fault;
  int level;
} cb_result;

/// The stage-1 walk: valid, type and block-level checks, AF, the output address.
cb_result cb_walk(const cb_memory *memory, const cb_stage *stage, uint64_t va);
/// A stage-1 walk whose table addresses (TTBR and every table descriptor's) are IPAs, each
/// translated by a full stage-2 walk, then the output IPA translated too: (n1+1)(n2+1)-1 reads.
cb_result cb_walk_nested(
  const cb_memory *memory, const cb_stage *stage1, const cb_stage *stage2, uint64_t va);

/// Walks every VA of `vas`; returns the sum of output addresses (kept by the caller so the
/// work cannot be optimised away) and counts faults in `*faults`.
uint64_t cb_walk_batch(
  const cb_memory *memory, const cb_stage *stage, const uint64_t *vas, size_t count,
  size_t *faults);
uint64_t cb_walk_nested_batch(
  const cb_memory *memory, const cb_stage *stage1, const cb_stage *stage2, const uint64_t *vas,
  size_t count, size_t *faults);

/// A TLB of final translations: an open-addressing hash of (page number, ASID) kept at most
/// half full, each slot 16 bytes (tag, output page and rights).
typedef struct cb_tlb cb_tlb;

cb_tlb *cb_tlb_create(size_t entries);
void cb_tlb_destroy(cb_tlb *tlb);
void cb_tlb_insert(cb_tlb *tlb, uint64_t va, uint16_t asid, uint64_t pa);
/// Looks every VA up; returns the sum of output addresses and counts misses in `*misses`.
uint64_t cb_tlb_lookup_batch(
  const cb_tlb *tlb, const uint64_t *vas, size_t count, uint16_t asid, size_t *misses);
size_t cb_tlb_count(const cb_tlb *tlb);

#endif
