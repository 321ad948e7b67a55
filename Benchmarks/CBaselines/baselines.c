// The C baselines of mmush-bench: see include/CBaselines.h.
#include "CBaselines.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct cb_memory {
  uint64_t *keys;  // pfn + 1; 0 marks an empty slot
  uint8_t **pages;
  size_t mask;
  size_t count;
  uint8_t *arena;  // every page's bytes, one mapping (huge pages where the kernel gives them)
  size_t arena_pages;
};

static size_t power_of_two_at_least(size_t n) {
  size_t p = 16;
  while (p < n) p <<= 1;
  return p;
}

static inline size_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return (size_t)x;
}

cb_memory *cb_memory_create(size_t expected_pages) {
  cb_memory *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  size_t cap = power_of_two_at_least(expected_pages * 2 + 16);
  m->keys = calloc(cap, sizeof *m->keys);
  m->pages = calloc(cap, sizeof *m->pages);
  m->mask = cap - 1;
  m->arena_pages = expected_pages;
  m->arena = mmap(NULL, expected_pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                  -1, 0);
  if (m->arena == MAP_FAILED) m->arena = NULL;
  if (!m->keys || !m->pages || !m->arena) {
    cb_memory_destroy(m);
    return NULL;
  }
  madvise(m->arena, expected_pages * 4096, MADV_HUGEPAGE);
  return m;
}

void cb_memory_destroy(cb_memory *m) {
  if (!m) return;
  if (m->arena) munmap(m->arena, m->arena_pages * 4096);
  free(m->keys);
  free(m->pages);
  free(m);
}

int cb_memory_add_page(cb_memory *m, uint64_t pa, const void *bytes) {
  if (m->count * 2 >= m->mask || m->count >= m->arena_pages) return -1;  // sized up front
  uint64_t key = (pa >> 12) + 1;
  size_t i = mix(key) & m->mask;
  while (m->keys[i] != 0 && m->keys[i] != key) i = (i + 1) & m->mask;
  if (m->keys[i] == 0) {
    m->pages[i] = m->arena + m->count * 4096;
    m->keys[i] = key;
    m->count++;
  }
  memcpy(m->pages[i], bytes, 4096);
  return 0;
}

uint64_t cb_memory_read64(const cb_memory *m, uint64_t pa) {
  uint64_t key = (pa >> 12) + 1;
  size_t i = mix(key) & m->mask;
  while (m->keys[i] != 0) {
    if (m->keys[i] == key) {
      uint64_t v;
      memcpy(&v, m->pages[i] + (pa & 0xff8), 8);
      return v;
    }
    i = (i + 1) & m->mask;
  }
  return 0;
}

static inline uint64_t bits(uint64_t v, int hi, int lo) {
  return (v >> lo) & ((hi - lo == 63) ? ~0ULL : ((1ULL << (hi - lo + 1)) - 1));
}

/// The address a table or leaf descriptor holds, from bit `lo` up (G for tables).
static inline uint64_t descriptor_address(uint64_t d, int lo, int oa_format) {
  switch (oa_format) {
  case 1:  // FEAT_LPA, 64K: [47:lo] and [15:12] = [51:48]
    return (bits(d, 47, lo) << lo) | (bits(d, 15, 12) << 48);
  case 2:  // LPA2: [49:lo] and [9:8] = [51:50]
    return (bits(d, 49, lo) << lo) | (bits(d, 9, 8) << 50);
  default:
    return bits(d, 47, lo) << lo;
  }
}

static inline int block_allowed(const cb_stage *s, int level) {
  switch (s->granule_bits) {
  case 12: return level == 1 || level == 2 || (level == 0 && s->oa_format == 2);
  case 14: return level == 2 || (level == 1 && s->oa_format == 2);
  default: return level == 2 || (level == 1 && s->oa_format == 1);
  }
}

/// One stage's walk; `s2` (may be NULL) translates every table address first, counting as
/// a nested walk does.
static inline cb_result walk(
  const cb_memory *m, const cb_stage *s, const cb_stage *s2, uint64_t va) {
  cb_result r = {0, 0, 0};
  int g = s->granule_bits;
  int stride = g - 3;
  // Bits at and above the input size must be zero (one VA range, as the fixtures use).
  if (s->input_bits < 64 && (va >> s->input_bits) != 0) {
    r.fault = 1;
    r.level = 0;
    return r;
  }
  uint64_t table = s->root & ~((1ULL << g) - 1) & ((1ULL << 52) - 1);
  for (int level = s->start_level; level <= 3; level++) {
    int shift = stride * (3 - level) + g;
    int top = level == s->start_level ? s->input_bits - 1 : shift + stride - 1;
    uint64_t index = bits(va, top, shift);
    uint64_t address = table + index * 8;
    if (s2) {
      cb_result t = walk(m, s2, NULL, address);
      if (t.fault) return t;
      address = t.pa;
    }
    uint64_t d = cb_memory_read64(m, address);
    if (!(d & 1)) {
      r.fault = 1;
      r.level = level;
      return r;
    }
    if (level < 3 && (d & 2)) {
      table = descriptor_address(d, g, s->oa_format);
      continue;
    }
    if (level == 3 ? !(d & 2) : !block_allowed(s, level)) {
      r.fault = 1;
      r.level = level;
      return r;
    }
    if (!(d & (1ULL << 10))) {
      r.fault = 2;
      r.level = level;
      return r;
    }
    r.pa = descriptor_address(d, shift, s->oa_format) | (va & ((1ULL << shift) - 1));
    r.level = level;
    return r;
  }
  r.fault = 1;
  return r;
}

cb_result cb_walk(const cb_memory *m, const cb_stage *s, uint64_t va) {
  return walk(m, s, NULL, va);
}

cb_result cb_walk_nested(const cb_memory *m, const cb_stage *s1, const cb_stage *s2, uint64_t va) {
  // The TTBR base and every table address are IPAs: each descriptor's IPA goes through stage 2.
  cb_result r = walk(m, s1, s2, va);
  if (r.fault) return r;
  return walk(m, s2, NULL, r.pa);
}

uint64_t cb_walk_batch(
  const cb_memory *m, const cb_stage *s, const uint64_t *vas, size_t n, size_t *faults) {
  uint64_t sum = 0;
  size_t f = 0;
  for (size_t i = 0; i < n; i++) {
    cb_result r = walk(m, s, NULL, vas[i]);
    sum += r.pa;
    f += r.fault != 0;
  }
  *faults = f;
  return sum;
}

uint64_t cb_walk_nested_batch(
  const cb_memory *m, const cb_stage *s1, const cb_stage *s2, const uint64_t *vas, size_t n,
  size_t *faults) {
  uint64_t sum = 0;
  size_t f = 0;
  for (size_t i = 0; i < n; i++) {
    cb_result r = cb_walk_nested(m, s1, s2, vas[i]);
    sum += r.pa;
    f += r.fault != 0;
  }
  *faults = f;
  return sum;
}

struct cb_tlb {
  uint64_t *slots;  // pairs: tag (page number << 16 | ASID, + 1), output page | rights
  size_t mask;
  size_t count;
};

cb_tlb *cb_tlb_create(size_t entries) {
  cb_tlb *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  size_t cap = power_of_two_at_least(entries * 2);
  t->slots = calloc(cap * 2, sizeof *t->slots);
  if (!t->slots) {
    free(t);
    return NULL;
  }
  t->mask = cap - 1;
  return t;
}

void cb_tlb_destroy(cb_tlb *t) {
  if (!t) return;
  free(t->slots);
  free(t);
}

static inline uint64_t tlb_tag(uint64_t va, uint16_t asid) {
  return ((va >> 12) << 16 | asid) + 1;
}

void cb_tlb_insert(cb_tlb *t, uint64_t va, uint16_t asid, uint64_t pa) {
  if (t->count * 2 >= t->mask) return;
  uint64_t tag = tlb_tag(va, asid);
  size_t i = mix(tag) & t->mask;
  while (t->slots[2 * i] != 0 && t->slots[2 * i] != tag) i = (i + 1) & t->mask;
  if (t->slots[2 * i] == 0) t->count++;
  t->slots[2 * i] = tag;
  t->slots[2 * i + 1] = (pa & ~0xfffULL) | 0x7;  // rights: r w x
}

uint64_t cb_tlb_lookup_batch(
  const cb_tlb *t, const uint64_t *vas, size_t n, uint16_t asid, size_t *misses) {
  uint64_t sum = 0;
  size_t miss = 0;
  for (size_t k = 0; k < n; k++) {
    uint64_t va = vas[k];
    uint64_t tag = tlb_tag(va, asid);
    size_t i = mix(tag) & t->mask;
    for (;;) {
      uint64_t s = t->slots[2 * i];
      if (s == tag) {
        sum += (t->slots[2 * i + 1] & ~0xfffULL) | (va & 0xfff);
        break;
      }
      if (s == 0) {
        miss++;
        break;
      }
      i = (i + 1) & t->mask;
    }
  }
  *misses = miss;
  return sum;
}

size_t cb_tlb_count(const cb_tlb *t) { return t->count; }
