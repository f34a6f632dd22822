// See byte_scan.h. Each 64-byte block becomes two bit masks, LF bytes and candidate bytes
// (CR, ESC, `^`, and the `K` of `Cache Key:` and the `H` of `CACHE `, the rarest bytes of
// those needles); the set bits are then visited in order: an LF writes its offset with the
// needles seen since the previous one (and whether a `K` or `H` was), a candidate is checked in
// place. Most blocks hold a line end or two and no candidate, so the cost is a few vector
// instructions per 64 bytes and a few scalar ones per line, with no call and no branch per
// byte.

#include "byte_scan.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// The bits of a mark (uint32_t constants: 1u << 31 does not fit an enum's int).
static const uint32_t marked = 1u << 31;
static const uint32_t needle_escape = 1u << 24;
static const uint32_t needle_caret = 1u << 25;
static const uint32_t needle_cache_key = 1u << 26;
static const uint32_t needle_upper_cache = 1u << 27;
static const uint32_t carriage_return = 1u << 29;
/// Set in `pending` for a `K` or `H`, and flipped when a mark is written: bit 30 of a mark
/// then says that its text holds neither, so no needle that escapes might split.
static const uint32_t needle_letter = 1u << 30;

/// The needle whose anchor byte stands at `at`, if the needle is there whole.
static inline uint32_t candidate(const uint8_t *bytes, size_t count, size_t at) {
  switch (bytes[at]) {
  case 0x0D:
    return carriage_return;
  case 0x1B:
    return needle_escape;
  case '^':
    return at + 1 < count && bytes[at + 1] == '[' ? needle_caret : 0;
  case 'K':
    // `Cache Key:`: the K is its byte 6 of 10.
    return needle_letter
      | (at >= 6 && at + 4 <= count && memcmp(bytes + at - 6, "Cache Key:", 10) == 0
        ? needle_cache_key : 0);
  case 'H':
    // `CACHE `: the H is its byte 3 of 6.
    return needle_letter
      | (at >= 3 && at + 3 <= count && memcmp(bytes + at - 3, "CACHE ", 6) == 0
        ? needle_upper_cache : 0);
  default:
    return 0;
  }
}

/// The masks of one block of 64 bytes: bit i of `*lf` when byte i is LF, of `*candidates`
/// when it is an anchor byte.
#if !defined(__x86_64__)
static inline void masks_scalar(const uint8_t *block, uint64_t *lf, uint64_t *candidates) {
  uint64_t l = 0, c = 0;
  for (unsigned i = 0; i < 64; i++) {
    uint8_t byte = block[i];
    l |= (uint64_t)(byte == 0x0A) << i;
    c |= (uint64_t)(byte == 0x0D || byte == 0x1B || byte == '^' || byte == 'K' || byte == 'H')
      << i;
  }
  *lf = l;
  *candidates = c;
}
#else
static inline void masks_sse2(const uint8_t *block, uint64_t *lf, uint64_t *candidates) {
  const __m128i line_feed = _mm_set1_epi8(0x0A), escape = _mm_set1_epi8(0x1B);
  const __m128i caret = _mm_set1_epi8('^'), key = _mm_set1_epi8('K'), upper = _mm_set1_epi8('H');
  const __m128i carriage = _mm_set1_epi8(0x0D);
  uint64_t l = 0, c = 0;
  for (unsigned i = 0; i < 4; i++) {
    __m128i v = _mm_loadu_si128((const __m128i *)(block + 16 * i));
    __m128i anchors = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, escape), _mm_cmpeq_epi8(v, caret)),
      _mm_or_si128(_mm_cmpeq_epi8(v, key), _mm_cmpeq_epi8(v, upper)));
    anchors = _mm_or_si128(anchors, _mm_cmpeq_epi8(v, carriage));
    l |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, line_feed)) << (16 * i);
    c |= (uint64_t)(uint16_t)_mm_movemask_epi8(anchors) << (16 * i);
  }
  *lf = l;
  *candidates = c;
}

/// The AVX2 masks classify each byte by its two nibbles (two table lookups and an AND)
/// instead of comparing it with each of the six bytes: a byte is LF or an anchor exactly when
/// the row of its low nibble and the row of its high nibble share a bit. The bits:
/// 0 for high nibble 0 (LF 0x0A, CR 0x0D), 1 for 1 (ESC 0x1B), 2 for 4 (`H` 0x48, `K` 0x4B),
/// 3 for 5 (`^` 0x5E). A byte of 0x80 or more looks up zero (`vpshufb` gives zero for an
/// index with its top bit set), and no other byte shares a bit in both rows.
__attribute__((target("avx2")))
static inline uint32_t interesting_avx2(__m256i v) {
  const __m256i low_rows = _mm256_setr_epi8(
    0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 6, 0, 1, 8, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 6, 0, 1, 8, 0);
  const __m256i high_rows = _mm256_setr_epi8(
    1, 2, 0, 0, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 2, 0, 0, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  __m256i low = _mm256_shuffle_epi8(low_rows, v);
  __m256i high = _mm256_shuffle_epi8(
    high_rows, _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0F)));
  __m256i none = _mm256_cmpeq_epi8(_mm256_and_si256(low, high), _mm256_setzero_si256());
  return ~(uint32_t)_mm256_movemask_epi8(none);
}

__attribute__((target("avx2")))
static inline void masks_avx2(const uint8_t *block, uint64_t *lf, uint64_t *candidates) {
  const __m256i line_feed = _mm256_set1_epi8(0x0A);
  __m256i low = _mm256_loadu_si256((const __m256i *)block);
  __m256i high = _mm256_loadu_si256((const __m256i *)(block + 32));
  uint64_t feeds = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(low, line_feed))
    | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(high, line_feed)) << 32;
  uint64_t interesting = (uint64_t)interesting_avx2(low) | (uint64_t)interesting_avx2(high) << 32;
  *lf = feeds;
  *candidates = interesting & ~feeds;
}
#endif

/// The blocks' loop, inlined into each mask function's caller so that the mask function
/// itself is inlined (a call per block would cost as much as the block).
static inline __attribute__((always_inline)) size_t mark_blocks(
  const uint8_t *bytes, size_t count, uint32_t *offsets, size_t *end, uint32_t *pending_needles,
  void (*masks)(const uint8_t *, uint64_t *, uint64_t *)
) {
  size_t found = 0;
  uint32_t pending = 0;
  size_t block = 0;
  for (; block + 64 <= count; block += 64) {
    uint64_t lf, candidates;
    masks(bytes + block, &lf, &candidates);
    if (candidates == 0) {
      // The usual block: line ends only.
      while (lf != 0) {
        offsets[found++] =
          (uint32_t)(block + (size_t)__builtin_ctzll(lf)) | ((marked | needle_letter) ^ pending);
        pending = 0;
        lf &= lf - 1;
      }
      continue;
    }
    uint64_t all = lf | candidates;
    while (all != 0) {
      unsigned bit = (unsigned)__builtin_ctzll(all);
      size_t at = block + bit;
      if ((lf >> bit) & 1) {
        offsets[found++] = (uint32_t)at | ((marked | needle_letter) ^ pending);
        pending = 0;
      } else {
        pending |= candidate(bytes, count, at);
      }
      all &= all - 1;
    }
  }
  *end = block;
  *pending_needles = pending;
  return found;
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static size_t mark_blocks_avx2(
  const uint8_t *bytes, size_t count, uint32_t *offsets, size_t *end, uint32_t *pending
) {
  return mark_blocks(bytes, count, offsets, end, pending, masks_avx2);
}

static size_t mark_blocks_sse2(
  const uint8_t *bytes, size_t count, uint32_t *offsets, size_t *end, uint32_t *pending
) {
  return mark_blocks(bytes, count, offsets, end, pending, masks_sse2);
}

#else
static size_t mark_blocks_scalar(
  const uint8_t *bytes, size_t count, uint32_t *offsets, size_t *end, uint32_t *pending
) {
  return mark_blocks(bytes, count, offsets, end, pending, masks_scalar);
}
#endif

size_t runlens_mark_log_lines(const uint8_t *bytes, size_t count, uint32_t *offsets) {
  size_t end = 0;
  uint32_t pending = 0;
  size_t found;
#if defined(__x86_64__)
  int avx2 = __builtin_cpu_supports("avx2");
  if (avx2) {
    found = mark_blocks_avx2(bytes, count, offsets, &end, &pending);
  } else {
    found = mark_blocks_sse2(bytes, count, offsets, &end, &pending);
  }
#else
  found = mark_blocks_scalar(bytes, count, offsets, &end, &pending);
#endif
  if (end == count) return found;
  // The last bytes, fewer than 64: copied into a block of zeros (no byte of which is LF or a
  // candidate) and masked like the others, instead of a test per byte. A chunk that is one
  // short line (each line of gh's output is fed alone) is all tail. Candidates are checked
  // in `bytes`, within `count`.
  uint8_t last[64] = {0};
  memcpy(last, bytes + end, count - end);
  uint64_t lf, candidates;
#if defined(__x86_64__)
  if (avx2) {
    masks_avx2(last, &lf, &candidates);
  } else {
    masks_sse2(last, &lf, &candidates);
  }
#else
  masks_scalar(last, &lf, &candidates);
#endif
  uint64_t all = lf | candidates;
  while (all != 0) {
    unsigned bit = (unsigned)__builtin_ctzll(all);
    size_t at = end + bit;
    if ((lf >> bit) & 1) {
      offsets[found++] = (uint32_t)at | ((marked | needle_letter) ^ pending);
      pending = 0;
    } else {
      pending |= candidate(bytes, count, at);
    }
    all &= all - 1;
  }
  return found;
}
