// A stand-in for libFuzzer's driver, for Fuzz/profile.sh: runs the harness on every file named
// (or in every folder named), each cut to -max_len=N bytes (16384) and run -repeat=N times (1),
// and prints the mean time per input and the slowest input (every input's time when
// REPLAY_EACH is set). Linked into a build without sanitizers or coverage, it shows what
// runlens itself costs per input, apart from AddressSanitizer's and libFuzzer's share.
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef int (*callback_t)(const uint8_t *, size_t);
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static size_t max_len = 16384; static int repeat = 1;
static double total; static long count; static double worst; static char worst_name[4096];
static void one(const char *path, callback_t cb) {
  FILE *f = fopen(path, "rb"); if (!f) return;
  uint8_t *buf = malloc(max_len + 1); size_t n = fread(buf, 1, max_len, f); fclose(f);
  uint8_t *copy = malloc(n ? n : 1);
  double start = now();
  for (int i = 0; i < repeat; i++) { memcpy(copy, buf, n); cb(copy, n); }
  double t = (now() - start) / repeat;
  total += t; count++;
  if (t > worst) { worst = t; snprintf(worst_name, sizeof worst_name, "%s", path); }
  if (getenv("REPLAY_EACH")) printf("%10.1f us %zu %s\n", t * 1e6, n, path);
  free(buf); free(copy);
}
int LLVMFuzzerRunDriver(int *argc, char ***argv, callback_t cb) {
  for (int i = 1; i < *argc; i++) {
    const char *a = (*argv)[i];
    if (strncmp(a, "-max_len=", 9) == 0) { max_len = atol(a + 9); continue; }
    if (strncmp(a, "-repeat=", 8) == 0) { repeat = atoi(a + 8); continue; }
    if (a[0] == '-') continue;
    struct stat st; if (stat(a, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      DIR *d = opendir(a); struct dirent *e;
      while ((e = readdir(d))) { if (e->d_name[0] == '.') continue; char p[4096]; snprintf(p, sizeof p, "%s/%s", a, e->d_name); one(p, cb); }
      closedir(d);
    } else one(a, cb);
  }
  printf("%ld inputs, mean %.1f us, %.0f exec/s; slowest %.1f us: %s\n", count, count ? total / count * 1e6 : 0, count ? count / total : 0, worst * 1e6, worst_name);
  return 0;
}
