// The log reader's line-end scan: one vectorised pass over a chunk that finds every LF and,
// for the text each LF ends, the few byte strings the log parser selects lines by.
//
// LineSplitter.lineFeeds(in:into:dense:) followed by LineSplitter.markNeedles with the
// parser's four needles and two letters gives the same offsets and marks, in Swift, one memchr
// pass per needle or letter; a test compares the two on random and real input at many chunk
// sizes.

#ifndef BYTE_SCAN_H
#define BYTE_SCAN_H

#include <stddef.h>
#include <stdint.h>

/// Writes the offset of every LF of `bytes[0 ..< count]` to `offsets` (room for `count`
/// entries), in ascending order, each marked: bit 31 set, bit 24 + i set when needle i occurs
/// in the text the LF ends (from the previous LF, or the chunk's start), bit 29 when that text
/// holds a CR, and bit 30 when it holds neither `K` nor `H` (each needle that escape sequences
/// may split holds one of them, so then none appears once the escapes are stripped). The
/// needles are GitHubLogParser's: 0 ESC, 1 `^[`, 2 `Cache Key:`, 3 `CACHE `. Text after the
/// last LF is not looked at. `count` must be below 2^24. Returns the number of offsets written.
size_t runlens_mark_log_lines(const uint8_t *bytes, size_t count, uint32_t *offsets);

/// Asks for the cache line at `address` ahead of its first read (never faults, whatever the
/// address).
static inline void runlens_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
