#!/usr/bin/env python3
"""Deterministic benchmark input generator for runlens.

Subcommands:

  log   --profile PROFILE --size BYTES --seed N --out PATH
        [--variant plain|longlines] [--long-line-size BYTES] [--fixtures DIR]
      A raw GitHub Actions job log (UTF-8 BOM, 29-byte timestamp prefix on every
      runner line, ~20 steps with header folds, cache restore/save lines, build
      and test output).  The file is exactly BYTES long.  PROFILE is one of
      normal, short, longlines (the synthetic mix), nix-cargo (Nix + cargo with
      CARGO_TERM_COLOR=always), buildkit (docker/build-push-action with plain
      BuildKit progress) or fixtures-mix (the line mix of the job logs in
      Fixtures/); --variant longlines adds four very long lines to the last three.

  junit --cases N --seed N --out PATH
      A cargo-nextest JUnit XML report in the current (quick-junit 0.7) dialect,
      written as a stream.

  jobs  --count N --size BYTES --seed N --out DIR|FILE.zip [--profiles P,Q,...] [--gh]
      N job logs of BYTES each (profiles in turn), as a directory of
      `N_<job name>.txt` files or as a run-logs zip with those entries; with --gh,
      as one file of `gh run view --log` output (job and step columns on every line).

  stats PATH...
      Prints the measured line mix of generated logs (files, directories, zips):
      lines, average line length, and the shares of lines starting with an ANSI
      escape, containing `cache`, containing `/nix/store/`, and `Cache Key:` lines.

Only the Python standard library is used.  The same arguments always produce the
same bytes: all randomness comes from one random.Random(seed), nothing depends on
the clock, the environment or hash randomisation.  Nothing is printed except
errors (and the table of `stats`); bad arguments exit with status 2.
"""

from __future__ import annotations

import argparse
import calendar
import math
import os
import sys
import time
from random import Random

TICKS = 10_000_000  # 100-ns ticks per second, as in the runner's 7 fractional digits
TS_LEN = 29  # len("2025-10-04T14:01:49.3433368Z ")
BOM = b"\xef\xbb\xbf"
FLUSH_AT = 8 << 20
MIN_PAD = 40  # smallest line (timestamp included) the exact-size filler writes
RESERVE = 256  # bytes kept free before the exact-size tail starts
LONG_LINE_DEFAULT = 10 << 20
DEFAULT_JOB = "build-and-test (stable, ubuntu-latest)"
FIXTURES_DEFAULT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Fixtures")

REPO = "nanna-coder"
OWNER = "DominicBurkart"
WORK = f"/home/runner/work/{REPO}/{REPO}"
TOOLCHAIN = "/home/runner/.rustup/toolchains/stable-x86_64-unknown-linux-gnu"


class UsageError(Exception):
    pass


# --------------------------------------------------------------------------
# output and clock


class Sink:
    """Collects byte strings and writes them to the file in large chunks."""

    def __init__(self, path: str) -> None:
        self.f = open(path, "wb")
        self.buf: list[bytes] = []
        self.pending = 0
        self.total = 0

    def put(self, data: bytes) -> None:
        self.buf.append(data)
        n = len(data)
        self.pending += n
        self.total += n
        if self.pending >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            self.f.write(b"".join(self.buf))
            self.buf = []
            self.pending = 0

    def close(self) -> None:
        self.flush()
        self.f.close()


class Clock:
    """Job time in 100-ns ticks since the Unix epoch."""

    def __init__(self, start: str) -> None:
        sec = calendar.timegm(time.strptime(start, "%Y-%m-%dT%H:%M:%S"))
        self.t = sec * TICKS + 3433368
        self._sec = -1
        self._pfx = b""

    def prefix(self, sec: int) -> bytes:
        if sec != self._sec:
            self._sec = sec
            self._pfx = time.strftime("%Y-%m-%dT%H:%M:%S.", time.gmtime(sec)).encode()
        return self._pfx

    def stamp(self) -> bytes:
        sec, frac = divmod(self.t, TICKS)
        return self.prefix(sec) + b"%07dZ " % frac


# --------------------------------------------------------------------------
# vocabulary


CRATES = (
    "serde serde_json serde_derive tokio tokio-macros reqwest hyper hyper-util http h2 tower "
    "tower-http axum tonic prost tracing tracing-core tracing-subscriber anyhow thiserror "
    "clap clap_derive regex regex-syntax regex-automata syn quote proc-macro2 unicode-ident "
    "libc rand rand_core chrono futures futures-util bytes mio rustls ring openssl-sys cc log "
    "once_cell itertools indexmap hashbrown smallvec parking_lot crossbeam-channel rayon "
    "memchr aho-corasick url percent-encoding base64 sha2 digest uuid time toml toml_edit "
    "walkdir tempfile insta criterion zstd-sys lz4 flate2 miniz_oxide bitflags cfg-if "
    "getrandom pin-project-lite socket2 num-traits ahash zerocopy semver ryu itoa "
    "model harness image-builder runlens-core ledger-core textkit api-server storage "
    "scheduler cli-tools"
).split()
WORKSPACE_CRATES = "model harness image-builder runlens-core ledger-core textkit api-server storage scheduler cli-tools".split()
MODS = (
    "config parser lexer render cache store net http client server auth session queue worker "
    "graph plan exec metrics telemetry tools registry judge ollama provider types container "
    "monitoring runtime fs io codec json yaml toml diff merge index query schema migrate "
    "journal amount clock sync"
).split()
SUBS = (
    "util helpers builder state error events stream buffer pool limits retry backoff timer "
    "format encode decode validate convert select filter scan split join chunk batch "
    "snapshot fixture mock"
).split()
VERBS = (
    "parses handles rejects accepts builds renders merges splits retries caches loads saves "
    "decodes encodes validates computes resolves expands flushes drains reads writes maps "
    "filters sorts groups counts detects skips keeps drops trims pads wraps joins checks "
    "emits tracks"
).split()
NOUNS = (
    "empty_input large_input unicode_names crlf_lines nested_groups long_lines bom_prefix "
    "missing_key restore_keys exact_hit fallback_hit cache_miss timeouts retries flaky_tests "
    "ansi_codes emoji cjk_text json_blob xml_entities quotes ampersands brackets tabs "
    "trailing_space zero_size huge_size negative_values overflow underflow defaults "
    "config_file env_vars secrets masks paths urls headers cookies tokens chunks pages "
    "steps jobs runs"
).split()
IDENTS = (
    "buf len idx count total offset cursor state ctx cfg opts result value item entry key "
    "path line col tmp acc node edge child parent start end size cap width height"
).split()
WORDS = (
    "build test cache restore save key hit miss step job run log line group fold time size "
    "ok done fail pass skip warn note info error debug trace fetch load parse emit write read"
).split()
CJK = [
    "✅ 已完成 {c} 的构建（耗时 {s} 秒）",
    "⚠️ 警告：{c} 使用了已弃用的接口，请尽快迁移",
    "🚀 ビルド成功: {c} v{v} — すべてのチェックに合格しました",
    "📦 패키지 설치 완료: {c} ({s}초)",
    "🔧 Конфигурация {c} загружена, кэш прогрет",
    "🦀 {c} — ok 🎉 ({s}s)",
    "👩‍💻 开发者提示：运行 cargo fmt 以格式化代码",
    "🧪 测试数据：名前＝テスト、値＝「{s}」",
    "📊 統計: {s} 件のキャッシュヒット、{s} 件のミス",
    "ℹ️ Größe der Artefakte: {s} MiB — Überprüfung läuft …",
    "🐌 処理が遅い: {c} のリンクに {s} 秒",
    "🔍 검색 중: {c}::{m} …",
]


def hexs(rng: Random, n: int) -> str:
    return "%0*x" % (n, rng.getrandbits(4 * n))


def uuid(rng: Random) -> str:
    h = hexs(rng, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def ver(rng: Random) -> str:
    if rng.random() < 0.5:
        return f"0.{rng.randint(1, 12)}.{rng.randint(0, 40)}"
    return f"1.{rng.randint(0, 50)}.{rng.randint(0, 240)}"


def dur(rng: Random, slow: float = 0.0) -> str:
    ms = int(rng.expovariate(1 / 25.0)) + 1
    if rng.random() < slow:
        ms += rng.randint(1000, 60000)
    return "%8.3f" % (ms / 1000.0)


def test_path(rng: Random) -> str:
    return f"{rng.choice(MODS)}::{rng.choice(SUBS)}::tests::{rng.choice(VERBS)}_{rng.choice(NOUNS)}"


# --------------------------------------------------------------------------
# line pools for the bulk


def rustc_command(rng: Random) -> str:
    c = rng.choice(CRATES).replace("-", "_")
    n_ext = rng.randint(0, 22)
    parts = [
        f"     Running `{TOOLCHAIN}/bin/rustc --crate-name {c} --edition=2021 "
        f"{rng.choice(['src/lib.rs', 'src/main.rs', 'build.rs'])} --error-format=json "
        "--json=diagnostic-rendered-ansi,artifacts,future-incompat --crate-type lib "
        "--emit=dep-info,metadata,link -C opt-level=3 -C embed-bitcode=no"
    ]
    for _ in range(rng.randint(0, 4)):
        parts.append(f" --cfg 'feature=\"{rng.choice(WORDS)}\"'")
    parts.append(
        f" --check-cfg 'cfg(docsrs,test)' -C metadata={hexs(rng, 16)} -C extra-filename=-{hexs(rng, 16)}"
        f" --out-dir {WORK}/target/release/deps -C strip=debuginfo -L dependency={WORK}/target/release/deps"
    )
    for _ in range(n_ext):
        d = rng.choice(CRATES).replace("-", "_")
        parts.append(f" --extern {d}={WORK}/target/release/deps/lib{d}-{hexs(rng, 16)}.rmeta")
    parts.append(" --cap-lints allow`")
    return "".join(parts)


def gcc_command(rng: Random) -> str:
    f = f"{rng.choice(MODS)}_{rng.choice(SUBS)}"
    cc = rng.choice(["gcc", "cc", "/usr/bin/gcc-13", "g++", "clang"])
    parts = [f"{cc} -DHAVE_CONFIG_H -I. -I../include"]
    for _ in range(rng.randint(2, 40)):
        r = rng.random()
        if r < 0.4:
            parts.append(f" -I/usr/include/{rng.choice(CRATES)}-{rng.randint(1, 9)}.{rng.randint(0, 20)}")
        elif r < 0.75:
            parts.append(f" -D{rng.choice(WORDS).upper()}_{rng.choice(IDENTS).upper()}={rng.randint(0, 4096)}")
        else:
            parts.append(
                " "
                + rng.choice(
                    [
                        "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wshadow", "-Wformat=2",
                        "-fPIC", "-fstack-protector-strong", "-D_FORTIFY_SOURCE=2",
                        "-fno-omit-frame-pointer", "-ffunction-sections", "-fdata-sections",
                        "-march=x86-64-v2", "-pipe", "-std=gnu17", "-O2", "-g",
                    ]
                )
            )
    parts.append(f" -MT obj/{f}.o -MD -MP -MF obj/.deps/{f}.Tpo -c -o obj/{f}.o src/{f}.c")
    return "".join(parts)


def cc_rs_running(rng: Random) -> str:
    flags = " ".join(
        f'"{rng.choice(["-O3", "-ffunction-sections", "-fdata-sections", "-fPIC", "-m64", "-Wall", "-Wextra", "-g0"])}"'
        for _ in range(rng.randint(6, 30))
    )
    return f'  running: "cc" {flags} "-I" "{WORK}/vendor/include" "-o" "{WORK}/target/release/build/{rng.choice(CRATES)}-{hexs(rng, 16)}/out/{rng.choice(MODS)}.o" "-c" "src/{rng.choice(MODS)}.c"'


def cjk_line(rng: Random) -> str:
    return rng.choice(CJK).format(c=rng.choice(CRATES), v=ver(rng), s=rng.randint(1, 999), m=rng.choice(MODS))


def rust_short(rng: Random) -> str:
    c = rng.choice(CRATES)
    ident = rng.choice(IDENTS)
    path = f"{rng.choice(['src', 'src/bin', 'tests', 'benches'])}/{rng.choice(MODS)}.rs"
    ln = rng.randint(1, 2400)
    r = rng.randrange(32)
    if r < 7:
        return f"   Compiling {c} v{ver(rng)}"
    if r < 9:
        return f"   Compiling {rng.choice(WORKSPACE_CRATES)} v0.{rng.randint(1, 9)}.0 ({WORK}/{rng.choice(WORKSPACE_CRATES)})"
    if r < 10:
        return f"\x1b[1m\x1b[92m   Compiling\x1b[0m {c} v{ver(rng)}"
    if r < 11:
        return f"warning: unused variable: `{ident}`"
    if r < 12:
        return f"\x1b[0m\x1b[1m\x1b[33mwarning\x1b[0m\x1b[0m\x1b[1m: unused import: `crate::{rng.choice(MODS)}::{ident}`\x1b[0m"
    if r < 13:
        return f"  --> {path}:{ln}:{rng.randint(1, 80)}"
    if r < 14:
        return "   |"
    if r < 15:
        return f"{ln:>4} |     let {ident} = {rng.choice(IDENTS)}.{rng.choice(VERBS)}({rng.choice(IDENTS)});"
    if r < 16:
        return f"   |         {'^' * len(ident)} help: if this is intentional, prefix it with an underscore: `_{ident}`"
    if r < 17:
        return "   = note: `#[warn(unused_variables)]` on by default"
    if r < 18:
        return f"warning: `{c}` (lib) generated {rng.randint(1, 40)} warnings (run `cargo fix --lib -p {c}` to apply {rng.randint(1, 9)} suggestions)"
    if r < 19:
        return f"        PASS [{dur(rng)}s] {rng.choice(WORKSPACE_CRATES)} {test_path(rng)}"
    if r < 20:
        return f"test {test_path(rng)} ... ok"
    if r < 21:
        return f"    Building [{'=' * (k := rng.randint(1, 40))}>{' ' * (40 - k)}] {rng.randint(1, 600)}/612: {c}(build)"
    if r < 22:
        return f"   Fresh {c} v{ver(rng)}"
    if r < 23:
        return f"warning: {c}@{ver(rng)}: {WORK}/vendor/{rng.choice(MODS)}.c:{ln}:{rng.randint(1, 60)}: warning: unused parameter '{ident}' [-Wunused-parameter]"
    if r < 25:
        return cjk_line(rng)
    if r < 26:
        return ""
    if r < 27:
        return f"\tat {c}::{rng.choice(MODS)}::{ident} ({path}:{ln})"
    if r < 28:
        return f"   Doc-tests {c.replace('-', '_')}"
    if r < 29:
        return f"\x1b[0m\x1b[0m\x1b[1m\x1b[38;5;12m  --> \x1b[0m\x1b[0m{path}:{ln}:{rng.randint(1, 80)}\x1b[0m"
    if r < 30:
        return f"note: the {rng.choice(['lint', 'warning', 'build script'])} level is defined here for `{c}` in {path}"
    if r < 31:
        return f"   Compiling {c} v{ver(rng)} ({WORK}/crates/{c}) — build script took {rng.randint(1, 90)}.{rng.randint(0, 9)}s"
    return f"##[warning]unused manifest key: package.metadata.{rng.choice(WORDS)}.{ident}"


def native_short(rng: Random) -> str:
    f = f"{rng.choice(MODS)}_{rng.choice(SUBS)}"
    ident = rng.choice(IDENTS)
    ln = rng.randint(1, 3000)
    r = rng.randrange(20)
    if r < 5:
        return f"[{rng.randint(0, 100):3d}%] Building C object CMakeFiles/{rng.choice(MODS)}.dir/src/{f}.c.o"
    if r < 7:
        return f"[{rng.randint(1, 900)}/{rng.randint(900, 1200)}] Linking CXX executable bin/{rng.choice(MODS)}-{rng.choice(SUBS)}"
    if r < 8:
        return f"make[{rng.randint(1, 3)}]: Entering directory '{WORK}/native/{rng.choice(MODS)}'"
    if r < 9:
        return f"make[{rng.randint(1, 3)}]: Leaving directory '{WORK}/native/{rng.choice(MODS)}'"
    if r < 10:
        return f"src/{f}.c:{ln}:{rng.randint(1, 60)}: warning: unused variable '{ident}' [-Wunused-variable]"
    if r < 11:
        return f"\x1b[01m\x1b[Ksrc/{f}.c:{ln}:{rng.randint(1, 60)}:\x1b[m\x1b[K \x1b[01;35m\x1b[Kwarning: \x1b[m\x1b[Kcomparison of integer expressions of different signedness [\x1b[01;35m\x1b[K-Wsign-compare\x1b[m\x1b[K]"
    if r < 12:
        return f" {ln:>5} |     int {ident} = {rng.randint(0, 99)};"
    if r < 13:
        return f"       |         ^{'~' * len(ident)}"
    if r < 14:
        return f"In file included from src/{f}.c:{rng.randint(1, 40)}:"
    if r < 15:
        return f"ar rcs lib{rng.choice(MODS)}.a obj/{f}.o obj/{rng.choice(MODS)}_{rng.choice(SUBS)}.o"
    if r < 16:
        return cjk_line(rng)
    if r < 17:
        return f"  CC       obj/{f}.o"
    if r < 18:
        return f"  CCLD     lib{rng.choice(MODS)}.la"
    if r < 19:
        return ""
    return f"-- Found {rng.choice(CRATES)}: /usr/lib/x86_64-linux-gnu/lib{rng.choice(MODS)}.so (found version \"{ver(rng)}\")"


def coverage_short(rng: Random) -> str:
    r = rng.randrange(10)
    if r < 7:
        f = f"{rng.choice(WORKSPACE_CRATES)}/src/{rng.choice(MODS)}/{rng.choice(SUBS)}.rs"
        reg = rng.randint(10, 2000)
        mreg = rng.randint(0, reg)
        fn = rng.randint(1, 200)
        mfn = rng.randint(0, fn)
        lines = rng.randint(20, 5000)
        ml = rng.randint(0, lines)
        return (
            f"{f:<48}{reg:>8}{mreg:>8}{100 * (reg - mreg) / reg:>9.2f}%{fn:>8}{mfn:>8}"
            f"{100 * (fn - mfn) / fn:>9.2f}%{lines:>8}{ml:>8}{100 * (lines - ml) / lines:>9.2f}%"
        )
    if r < 8:
        return f"info: cargo-llvm-cov currently setting cfg(coverage); {rng.choice(CRATES)} merged profile data"
    if r < 9:
        return cjk_line(rng)
    return f"        PASS [{dur(rng)}s] {rng.choice(WORKSPACE_CRATES)} {test_path(rng)}"


def nextest_status(rng: Random) -> str:
    binary = rng.choice(WORKSPACE_CRATES)
    if rng.random() < 0.25:
        binary += rng.choice(["::integration", "::bin/" + binary, "::e2e"])
    return f"        PASS [{dur(rng, 0.002)}s] {binary} {test_path(rng)}"


def short_msg(rng: Random) -> str:
    r = rng.randrange(24)
    if r < 4:
        return ""
    if r < 6:
        return "." * rng.randint(1, 6)
    if r < 9:
        return rng.choice(["ok", "done", "PASS", "OK", "✓", "✔ ok", "-", "+", "…", "y", "0", "1"])
    if r < 11:
        return f"[{rng.randint(1, 99)}/{rng.randint(1, 99)}]"
    if r < 13:
        return f"{rng.randint(0, 100)}%"
    if r < 15:
        return rng.choice(WORDS)
    if r < 16:
        return f"{rng.choice(WORDS)} {rng.choice(WORDS)}"
    if r < 17:
        return f"#{rng.randint(1, 40)} DONE {rng.randint(0, 9)}.{rng.randint(0, 9)}s"
    if r < 18:
        return f"+ {rng.choice(['ls', 'cd src', 'make', 'true', 'set -e', 'pwd'])}"
    if r < 19:
        return f"{rng.randint(1, 999)}ms"
    if r < 20:
        return rng.choice(["完成", "テスト", "✅ ok", "🚀", "완료", "готово", "⚠️"])
    if r < 21:
        return f"{rng.choice(IDENTS)}={rng.randint(0, 99)}"
    if r < 22:
        return f"cc {rng.choice(IDENTS)}.c"
    if r < 23:
        return f"test {rng.choice(NOUNS)[:8]} ok"
    return "\x1b[32mok\x1b[0m"


def build_pool(rng: Random, make_short, make_long, n_short: int, target_avg: float, n_long_extra_sources: int = 0) -> list[bytes]:
    """A pool of newline-terminated messages whose average line length (timestamp
    included) is about target_avg.  Long lines are mixed in to reach the target."""
    short = [(make_short(rng) + "\n").encode() for _ in range(n_short)]
    pool = list(short)
    if make_long is not None:
        longs = [(make_long(rng) + "\n").encode() for _ in range(max(64, n_short // 20))]
        ms = sum(map(len, short)) / len(short)
        ml = sum(map(len, longs)) / len(longs)
        want = target_avg - TS_LEN
        if ml > want > ms:
            p = (want - ms) / (ml - ms)
            k = round(p * n_short / (1 - p))
            pool.extend(longs[i % len(longs)] for i in range(k))
    rng.shuffle(pool)
    return pool


def tune_short_pool(rng: Random, pool: list[bytes], target_msg_len: float) -> list[bytes]:
    """Add very short or medium entries until the mean entry length is target."""
    total = sum(map(len, pool))
    while True:
        mean = total / len(pool)
        if abs(mean - target_msg_len) < 0.02:
            break
        if mean > target_msg_len:
            e = rng.choice([b"\n", b".\n", b"ok\n", b"-\n"])
        else:
            e = (f"{rng.choice(WORDS)} {rng.choice(NOUNS)} {rng.randint(1, 99)}" + "\n").encode()
        pool.append(e)
        total += len(e)
    rng.shuffle(pool)
    return pool


# --------------------------------------------------------------------------
# very long single lines (longlines profile)


def exact_join(rng: Random, frags: list[bytes], target: int, head: bytes, sep: bytes, tail_open: bytes, tail_close: bytes, pad_byte: bytes) -> bytes:
    """head + frags joined by sep + tail_open + padding + tail_close, exactly target bytes."""
    budget = target - len(head) - len(tail_open) - len(tail_close)
    avg = sum(map(len, frags)) / len(frags) + len(sep)
    chunks: list[bytes] = []
    used = 0
    while True:
        k = max(1, int((budget - used) / avg * 0.9))
        if (budget - used) < avg * 4:
            break
        pick = rng.choices(frags, k=k)
        block = sep.join(pick)
        if chunks:
            block = sep + block
        if used + len(block) > budget:
            break
        chunks.append(block)
        used += len(block)
    body = b"".join(chunks)
    return head + body + tail_open + pad_byte * (budget - len(body)) + tail_close


def long_line(rng: Random, kind: str, total: int) -> bytes:
    """A complete log line (timestamp excluded) with newline, len == total - TS_LEN."""
    target = total - TS_LEN - 1
    if kind == "json":
        frags = []
        for _ in range(400):
            c = rng.choice(CRATES)
            frags.append(
                (
                    f'{{"name":"{c}","version":"{ver(rng)}","id":"registry+https://github.com/rust-lang/crates.io-index#{c}@{ver(rng)}",'
                    f'"license":"MIT OR Apache-2.0","description":"{cjk_line(rng).replace(chr(34), "")}",'
                    f'"dependencies":[{",".join(chr(34) + rng.choice(CRATES) + chr(34) for _ in range(rng.randint(0, 8)))}],'
                    f'"features":{{"default":["std"],"std":[]}},"checksum":"{hexs(rng, 64)}"}}'
                ).encode()
            )
        body = exact_join(rng, frags, target, b'{"packages":[', b",", b'],"pad":"', b'"}', b"0")
    elif kind == "js":
        frags = []
        for i in range(400):
            a, b = rng.choice(IDENTS), rng.choice(IDENTS)
            frags.append(
                (
                    f'function {a}{i}({b},t){{var n=t[{rng.randint(0, 99)}]||{{}};return {b}.{rng.choice(VERBS)}?"{rng.choice(WORDS)}"+n.{a}:'
                    f'Object.assign({{}},n,{{key:"{hexs(rng, 8)}",size:{rng.randint(0, 1 << 20)}}})}}'
                ).encode()
            )
        body = exact_join(rng, frags, target, b'!function(e){"use strict";', b";", b";var _pad=\"", b'";}(window);', b"x")
    elif kind == "link":
        frags = [f"obj/{rng.choice(MODS)}/{rng.choice(SUBS)}_{i}.o".encode() for i in range(2000)]
        body = exact_join(rng, frags, target, b"/usr/bin/ld -pie -z relro --hash-style=gnu --build-id -o bin/server ", b" ", b" -lc -lm -lpthread --version-script=", b"/exports.map", b"x")
    else:  # base64
        alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        frags = [bytes(rng.choice(alphabet) for _ in range(76)) for _ in range(256)]
        body = exact_join(rng, frags, target, b"coverage-payload: H4sIAAAAAAAAA", b"", b"", b"==", b"A")
    assert len(body) == target, (kind, len(body), target)
    return body + b"\n"


# --------------------------------------------------------------------------
# log skeleton


class Skeleton:
    """Operations that make up a job log.  Fixed lines carry a pre-chosen delay
    (ticks) so that rendering needs no randomness."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.ops: list[tuple] = []

    def line(self, text: str, lo: int = 40, hi: int = 2600) -> None:
        self.ops.append(("L", (text + "\n").encode(), self.rng.randint(lo, hi)))

    def lines(self, texts) -> None:
        for t in texts:
            self.line(t)

    def cont(self, text: str) -> None:
        self.ops.append(("C", (text + "\n").encode()))

    def wait(self, lo: float, hi: float) -> None:
        self.ops.append(("W", int(self.rng.uniform(lo, hi) * TICKS)))

    def bulk(self, share: float, pool: str, groups: bool = False) -> None:
        self.ops.append(("B", share, pool, groups))

    def nextest(self, share: float, filler: str, cap: int | None) -> None:
        self.ops.append(("N", share, filler, cap))

    def long(self, kind: str) -> None:
        self.ops.append(("X", kind))

    # ---- step helpers

    def env(self) -> None:
        self.lines(["env:", "  REGISTRY: ghcr.io", f"  IMAGE_NAME: {OWNER}/{REPO}", "  CARGO_TERM_COLOR: always", "  RUST_BACKTRACE: 1"])

    def script_step(self, script: list[str], pipefail: bool = False) -> None:
        self.wait(0.01, 0.09)
        first = next(s for s in script if s.strip())
        self.line(f"##[group]Run {first}")
        for s in script:
            self.line(f"\x1b[36;1m{s}\x1b[0m")
        self.line("shell: /usr/bin/bash --noprofile --norc -e -o pipefail {0}" if pipefail else "shell: /usr/bin/bash -e {0}")
        self.env()
        self.line("##[endgroup]")

    def action_step(self, uses: str, inputs: list) -> None:
        """inputs: list of (name, value) where value may be a list of lines
        (multi-line input, printed with continuation lines and a final empty line)."""
        self.wait(0.01, 0.09)
        self.line(f"##[group]Run {uses}")
        self.line("with:")
        for name, value in inputs:
            if isinstance(value, list):
                self.line(f"  {name}: {value[0]}")
                for v in value[1:]:
                    self.cont(v)
                self.cont("")
            else:
                self.line(f"  {name}: {value}")
        self.env()
        self.line("##[endgroup]")

    def received(self, total: int, sent: bool = False) -> None:
        word = "Sent" if sent else "Received"
        done = 0
        speed = self.rng.uniform(180, 320)
        while True:
            step = int(speed * 1048576 * self.rng.uniform(0.9, 1.1))
            done = min(total, done + step)
            self.wait(0.9, 1.0) if done < total else self.wait(0.1, 0.5)
            self.line(f"{word} {done} of {total} ({100.0 * done / total:.1f}%), {self.rng.uniform(speed - 10, speed + 10):.1f} MBs/sec")
            if done >= total:
                break


def build_skeleton(rng: Random, profile: str, variant: str = "plain", job_name: str = DEFAULT_JOB) -> Skeleton:
    sk = Skeleton(rng)
    L = sk.line
    deps_hash = hexs(rng, 16)
    cargo_hash = hexs(rng, 16)
    reg_key = f"Linux-cargo-registry-{hexs(rng, 64)}"
    tgt_key = f"Linux-target-stable-{hexs(rng, 64)}"
    tgt_restored = f"Linux-target-stable-{hexs(rng, 64)}"
    scc_key = f"Linux-sccache-{hexs(rng, 64)}"
    nix_primary = f"nix-v3-deps-{deps_hash}-{cargo_hash}-Linux-stable-unit"
    nix_prefixes = [f"nix-v3-deps-{deps_hash}-{cargo_hash}-Linux-", f"nix-v3-deps-{deps_hash}-{cargo_hash}-", "nix-v3-deps-", "nix-v2-Linux-"]
    nix_restored = f"nix-v3-deps-{deps_hash}-{cargo_hash}-Linux-stable-lint"
    rust_key = f"v0-rust-test-Linux-x64-{hexs(rng, 8)}-{hexs(rng, 8)}"
    tmp = "/home/runner/work/_temp"

    # ---- Set up job
    L("Current runner version: '2.328.0'")
    L("##[group]Runner Image Provisioner")
    L("Hosted Compute Agent")
    L("Version: 20250912.392")
    L(f"Commit: {hexs(rng, 40)}")
    L("Build Date: 2025-09-12T15:23:34Z")
    L("##[endgroup]")
    sk.lines(["##[group]Operating System", "Ubuntu", "24.04.3", "LTS", "##[endgroup]"])
    L("##[group]Runner Image")
    L("Image: ubuntu-24.04")
    L("Version: 20250929.60.1")
    L("Included Software: https://github.com/actions/runner-images/blob/ubuntu24/20250929.60/images/ubuntu/Ubuntu2404-Readme.md")
    L("Image Release: https://github.com/actions/runner-images/releases/tag/ubuntu24%2F20250929.60")
    L("##[endgroup]")
    sk.lines(["##[group]GITHUB_TOKEN Permissions", "Contents: read", "Metadata: read", "Packages: read", "##[endgroup]"])
    sk.lines(["Secret source: Actions", "Prepare workflow directory", "Prepare all required actions", "Getting action download info"])
    for a in [
        "actions/checkout@v4", "dtolnay/rust-toolchain@stable", "DeterminateSystems/nix-installer-action@main",
        "actions/cache@v4", "nix-community/cache-nix-action@v6", "Swatinem/rust-cache@v2",
        "actions/upload-artifact@v4", "codecov/codecov-action@v4",
    ]:
        sk.wait(0.05, 0.1)
        L(f"Download action repository '{a}' (SHA:{hexs(rng, 40)})")
    L(f"Complete job name: {job_name}")

    # 1 checkout
    sk.action_step("actions/checkout@v4", [
        ("repository", f"{OWNER}/{REPO}"), ("token", "***"), ("ssh-strict", "true"), ("ssh-user", "git"),
        ("persist-credentials", "true"), ("clean", "true"), ("sparse-checkout-cone-mode", "true"),
        ("fetch-depth", "1"), ("fetch-tags", "false"), ("show-progress", "true"), ("lfs", "false"),
        ("submodules", "false"), ("set-safe-directory", "true"),
    ])
    sha = hexs(rng, 40)
    sk.lines([
        f"Syncing repository: {OWNER}/{REPO}", "##[group]Getting Git version info", f"Working directory is '{WORK}'",
        "[command]/usr/bin/git version", "git version 2.51.0", "##[endgroup]",
        f"[command]/usr/bin/git init {WORK}", "hint: Using 'master' as the name for the initial branch. This default branch name",
        "hint: \tgit config --global init.defaultBranch <name>", f"Initialized empty Git repository in {WORK}/.git/",
        f"[command]/usr/bin/git remote add origin https://github.com/{OWNER}/{REPO}",
        "##[group]Fetching the repository",
        f"[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune --no-recurse-submodules --depth=1 origin +{sha}:refs/remotes/origin/main",
        f"From https://github.com/{OWNER}/{REPO}", f" * [new ref]         {sha} -> origin/main", "##[endgroup]",
        "[command]/usr/bin/git checkout --progress --force -B main refs/remotes/origin/main",
        "Switched to a new branch 'main'", "[command]/usr/bin/git log -1 --format=%H", sha,
    ])

    # 2 toolchain
    sk.action_step("dtolnay/rust-toolchain@stable", [("toolchain", "stable"), ("components", "clippy, rustfmt")])
    sk.lines([
        "##[group]Run : set $CARGO_HOME", "\x1b[36;1m: set $CARGO_HOME\x1b[0m", "\x1b[36;1mecho CARGO_HOME=${CARGO_HOME:-\"$HOME/.cargo\"} >> $GITHUB_ENV\x1b[0m",
        "shell: /usr/bin/bash --noprofile --norc -e -o pipefail {0}", "##[endgroup]",
        "[command]/home/runner/.cargo/bin/rustup toolchain install stable --component clippy,rustfmt --profile minimal --no-self-update",
        "info: syncing channel updates for 'stable-x86_64-unknown-linux-gnu'",
        "  stable-x86_64-unknown-linux-gnu unchanged - rustc 1.90.0 (1159e78c4 2025-09-14)",
        "[command]/home/runner/.cargo/bin/rustc --version --verbose", "rustc 1.90.0 (1159e78c4 2025-09-14)",
    ])

    # 3 nix installer
    sk.action_step("DeterminateSystems/nix-installer-action@main", [("github-token", "***")])
    L("##[group]Installing Nix")
    sk.wait(8, 15)
    L("Nix installed (install log abridged)")
    L("##[endgroup]")

    def cache_inputs(path: list[str], key: str, restore: list[str]) -> list:
        return [("path", path), ("key", key), ("restore-keys", restore), ("enableCrossOsArchive", "false"),
                ("fail-on-cache-miss", "false"), ("lookup-only", "false"), ("save-always", "false")]

    def restore_hit(kind: str, key: str) -> None:
        size = rng.randint(50, 900) * 1048576 + rng.randint(0, 1048575)
        sk.wait(0.2, 0.4)
        L(f"Cache hit for: {key}" if kind == "exact" else f"Cache hit for restore-key: {key}")
        sk.received(size)
        L(f"Cache Size: ~{round(size / 1048576)} MB ({size} B)")
        L(f"[command]/usr/bin/tar -xf {tmp}/{uuid(rng)}/cache.tzst -P -C {WORK} --use-compress-program unzstd")
        sk.wait(1, 6)
        L("Cache restored successfully")
        L(f"Cache restored from key: {key}")

    # 4 actions/cache exact hit
    sk.action_step("actions/cache@v4", cache_inputs(["~/.cargo/registry/index/", "~/.cargo/registry/cache/", "~/.cargo/git/db/"], reg_key, ["Linux-cargo-registry-"]))
    restore_hit("exact", reg_key)
    # 5 actions/cache fallback hit
    sk.action_step("actions/cache@v4", cache_inputs(["target"], tgt_key, ["Linux-target-stable-", "Linux-target-"]))
    restore_hit("fallback", tgt_restored)
    # 6 actions/cache miss
    sk.action_step("actions/cache@v4", cache_inputs(["~/.cache/sccache"], scc_key, ["Linux-sccache-"]))
    sk.wait(0.2, 0.5)
    L(f"Cache not found for input keys: {scc_key}, Linux-sccache-")

    # 7 cache-nix-action fallback hit
    sk.action_step("nix-community/cache-nix-action@v6", [
        ("primary-key", nix_primary), ("restore-prefixes-first-match", nix_prefixes),
        ("skip-restore-on-hit-primary-key", "false"), ("nix", "true"), ("save", "true"), ("backend", "actions"),
        ("gc-max-store-size-linux", "1073741824"), ("purge", "false"), ("token", "***"),
    ])
    d = f"{tmp}/{uuid(rng)}"
    sk.wait(0.3, 0.4)
    L(f'Searching for a cache with the key "{nix_primary}".')
    L('Could not find a cache with the given "primary-key" and "paths".')
    L('Searching for a cache using the "restore-prefixes-first-match":')
    L("[" + ",".join(f'"{p}"' for p in nix_prefixes) + "]")
    L(f"Cache hit for restore-key: {nix_restored}")
    L("Lookup only - skipping download")
    L('Found a cache using the "restore-prefixes-first-match".')
    L(f'Copying "/nix/var/nix/db/db.sqlite" to "{d}/old.sqlite".')
    L(f'Restoring a cache with the key "{nix_restored}".')
    L("##[group]Logs produced while restoring a cache.")
    L(f"Cache hit for: {nix_restored}")
    size = 1047529213
    sk.received(size)
    L(f"Cache Size: ~{round(size / 1048576)} MB ({size} B)")
    L(f"[command]/usr/bin/tar -xf {tmp}/{uuid(rng)}/cache.tzst -P -C {WORK} --exclude-from {tmp}/{uuid(rng)}/paths --use-compress-program unzstd")
    sk.wait(5, 10)
    L("Cache restored successfully")
    L("##[endgroup]")
    L("Finished restoring the cache.")
    L(f'Copying "/nix/var/nix/db/db.sqlite" to "{d}/new.sqlite".')
    L(f'Merging store databases "{d}/old.sqlite" and "{d}/new.sqlite"')
    L('into "/nix/var/nix/db/db.sqlite".')
    sk.wait(1, 2)
    L("Checking the store database.")
    L("The store database is consistent.")

    # 8 Swatinem/rust-cache miss
    sk.action_step("Swatinem/rust-cache@v2", [("prefix-key", "v0-rust"), ("shared-key", "test"), ("cache-targets", "true"),
                                              ("cache-all-crates", "false"), ("cache-on-failure", "false"), ("save-if", "true"),
                                              ("cache-provider", "github"), ("cache-bin", "true"), ("lookup-only", "false")])
    sk.lines([
        "##[group]Cache Configuration", "Cache Provider:", "    github", "Workspaces:", f"    {WORK}",
        "Cache Paths:", "    /home/runner/.cargo/bin", "    /home/runner/.cargo/.crates.toml", f"    {WORK}/target",
        "Restore Key:", f"    {rust_key.rsplit('-', 1)[0]}", "Cache Key:", f"    {rust_key}",
        ".. Prefix:", "  - v0-rust-test-Linux-x64", ".. Environment considered:", f"  - Rust Version: 1.90.0 x86_64-unknown-linux-gnu ({hexs(rng, 9)})",
        f"  - CARGO_INCREMENTAL", f"  - RUSTFLAGS", ".. Lockfiles considered:", f"  - {WORK}/Cargo.lock", f"  - {WORK}/Cargo.toml",
        "##[endgroup]", "", "... Restoring cache ...",
        f"##[warning]Cache not found for keys: {rust_key}, {rust_key.rsplit('-', 1)[0]}", "No cache found.",
    ])

    # 9 cache status echo (CACHE HIT and CACHE MISS in the header, HIT in the output)
    sk.script_step([
        'echo "📊 === GitHub Actions Cache Status ==="', f'echo "🔑 Cache Key: {nix_primary}"',
        'echo "📦 Cache Action: nix-community/cache-nix-action@v6"', 'echo "🕐 Cache restore time: $(($(date +%s) - 1759586509))s"',
        "", 'if [ "true" = "true" ]; then', '  echo "✅ CACHE HIT: Dependencies restored from GitHub Actions cache"',
        f'  echo "🔁 Restored key: {nix_restored}"', '  echo "🚀 Build performance: OPTIMIZED"', "else",
        '  echo "⚠️ CACHE MISS: Building dependencies from scratch"', '  echo "🐌 Build performance: Initial run (next run will be faster)"', "fi",
    ])
    sk.lines([
        "📊 === GitHub Actions Cache Status ===", f"🔑 Cache Key: {nix_primary}", "📦 Cache Action: nix-community/cache-nix-action@v6",
        "🕐 Cache restore time: 33s", "✅ CACHE HIT: Dependencies restored from GitHub Actions cache",
        f"🔁 Restored key: {nix_restored}", "🚀 Build performance: OPTIMIZED",
    ])

    # 10 cargo fetch
    sk.script_step(["cargo fetch --locked"])
    L("    Updating crates.io index")
    for _ in range(40):
        sk.wait(0.01, 0.3)
        L(f"  Downloaded {rng.choice(CRATES)} v{ver(rng)}")
    L(f"  Downloaded 40 crates ({rng.randint(3, 9)}.{rng.randint(0, 9)} MB) in {rng.randint(1, 9)}.{rng.randint(10, 99)}s")

    short = profile == "short" or variant == "short"
    longs = profile == "longlines" or variant == "longlines"
    if profile in NEW_PROFILES:
        bulk_steps_new(sk, rng, profile, longs, sha, tmp)
    else:
        # 11 cargo build (bulk)
        sk.script_step(["cargo build --release --workspace --all-targets --locked"], pipefail=True)
        build_pool = "short" if short else "rust"
        if longs:
            sk.bulk(0.20, build_pool)
            sk.long("json")
            sk.bulk(0.20, build_pool)
            sk.long("js")
            sk.bulk(0.15, build_pool)
        else:
            sk.bulk(0.55, build_pool)
        sk.wait(0.1, 1)
        L(f"    Finished `release` profile [optimized] target(s) in {rng.randint(3, 20)}m {rng.randint(0, 59)}s")

        # 12 clippy
        sk.script_step(["cargo clippy --workspace --all-targets -- -D warnings"], pipefail=True)
        for c in WORKSPACE_CRATES:
            L(f"    Checking {c} v0.1.0 ({WORK}/{c})")
        L(f"    Finished `dev` profile [unoptimized + debuginfo] target(s) in {rng.randint(20, 90)}.{rng.randint(10, 99)}s")

        # 13 native build (bulk, with folds opened by the build itself)
        sk.script_step(["make -C native -j4 V=1"], pipefail=True)
        native_pool = "short" if short else "native"
        if longs:
            sk.bulk(0.05, native_pool, groups=True)
            sk.long("link")
            sk.bulk(0.10, native_pool, groups=True)
        else:
            sk.bulk(0.15, native_pool, groups=True)

        # 14 nextest (+ coverage report)
        sk.script_step([
            "START_TIME=$(date +%s)", "cargo llvm-cov nextest --workspace --profile ci --no-fail-fast", "END_TIME=$(date +%s)",
            'echo "⏱️  Unit tests completed in $((END_TIME - START_TIME))s"',
        ], pipefail=True)
        filler = "short" if short else "coverage"
        if longs:
            sk.nextest(0.20, filler, None)
            sk.long("base64")
            sk.bulk(0.10, filler)
        else:
            sk.nextest(0.30, filler, 2000 if short else None)
    L(f"⏱️  Unit tests completed in {rng.randint(60, 900)}s")

    # 15 i18n check
    sk.script_step(["./scripts/i18n-check.sh --all-locales"])
    for _ in range(30):
        L(cjk_line(rng))

    # 16 upload-artifact
    sk.action_step("actions/upload-artifact@v4", [("name", "junit-stable-ubuntu-latest"), ("path", "target/nextest/ci/junit.xml"),
                                                  ("if-no-files-found", "warn"), ("compression-level", "6"),
                                                  ("overwrite", "false"), ("include-hidden-files", "false")])
    art = rng.randint(10**9, 4 * 10**9)
    sk.lines([
        "With the provided path, there will be 1 file uploaded", "Artifact name is valid!", "Root directory input is valid!",
        "Beginning upload of artifact content to blob storage", f"Uploaded bytes {rng.randint(10**5, 10**7)}",
        "Finished uploading artifact content to blob storage!", f"SHA256 digest of uploaded artifact zip is {hexs(rng, 64)}",
        "Finalizing artifact upload", f"Artifact junit-stable-ubuntu-latest.zip successfully finalized. Artifact ID {art}",
        f"Artifact junit-stable-ubuntu-latest has been successfully uploaded! Final size is {rng.randint(10**5, 10**7)} bytes. Artifact ID is {art}",
        f"Artifact download URL: https://github.com/{OWNER}/{REPO}/actions/runs/18240016712/artifacts/{art}",
    ])

    # 17 codecov
    sk.action_step("codecov/codecov-action@v4", [("token", "***"), ("files", "lcov.info"), ("fail_ci_if_error", "false"), ("verbose", "false")])
    sk.lines(["==> linux OS detected", "https://cli.codecov.io/latest/linux/codecov.SHA256SUM", "==> Uploading reports",
              "info - 2025-10-04 14:40:01,123 -- Process Upload complete"])

    # 18 analytics
    sk.script_step(["nix run .#cache-analytics"])
    sk.lines(["📊 Binary Cache Analytics", "========================", "🎯 Cache Information:", "⚠️  Cachix not installed", "",
              "💾 Local Nix Store Stats:", "  Store size: 2.2G", "  Optimization available: Command not available in this Nix version", "",
              "🔍 Build Dependencies Analysis:", "  Rust toolchain: 1 paths", "  Container deps: 0 derivations", "",
              "💡 Optimization Recommendations:", "  ⚠️  Run 'setup-cache' to configure binary cache"])

    # 19 cache warnings summary echo
    sk.script_step(['echo "🔑 Cache Key: ' + reg_key + '"', 'echo "✅ CACHE HIT (exact): cargo registry"', 'echo "⚠️ CACHE MISS: sccache"'])
    sk.lines([f"🔑 Cache Key: {reg_key}", "✅ CACHE HIT (exact): cargo registry", "⚠️ CACHE MISS: sccache"])

    # 20 step summary
    sk.script_step(['echo "## Build summary" >> "$GITHUB_STEP_SUMMARY"', 'echo "| Cache | Result |" >> "$GITHUB_STEP_SUMMARY"'])

    # ---- post steps, reverse order
    def save(key: str) -> None:
        sk.wait(0.1, 0.3)
        L(f"[command]/usr/bin/tar --posix -cf cache.tzst --exclude cache.tzst -P -C {WORK} --files-from manifest.txt --use-compress-program zstdmt")
        sk.wait(2, 10)
        sk.received(rng.randint(50, 900) * 1048576, sent=True)
        L(f"Cache saved with key: {key}")

    sk.wait(0.02, 0.05)
    L("Post job cleanup.")  # rust-cache
    sk.lines(["", f"... Cleaning {WORK}/target ...", "... Cleaning cargo registry (cache-all-crates: false) ...",
              "... Cleaning cargo/bin ...", "... Cleaning cargo git cache ...", "... Saving cache ..."])
    save(rust_key)
    sk.wait(0.02, 0.05)
    L("Post job cleanup.")  # cache-nix-action
    L(f'Trying to save a new cache with the key "{nix_primary}".')
    L(f'Searching for a cache with the key "{nix_primary}".')
    L("Found no cache with this key.")
    sk.lines(["Removing useless files.", "Calculating store size.", "Current store size in bytes: 2314467136.",
              "Maximum allowed store size in bytes: 1073741824 (1073741824).", "Collecting garbage.", "Max bytes to free: 1240725312.",
              "##[group]Logs produced while collecting garbage.", "[command]/usr/bin/bash -c nix store gc --max 1240725312",
              "finding garbage collector roots...", "deleting garbage..."])
    for _ in range(12):
        L(f"deleting '/nix/store/{hexs(rng, 32)}-{rng.choice(CRATES)}-{ver(rng)}'")
    sk.lines(["deleting unused links...", "note: currently hard linking saves 0.00 MiB", "1987 store paths deleted, 1186.93 MiB freed",
              "##[endgroup]", "Finished collecting garbage.", "Current store size in bytes: 1069876543.",
              f'Saving a new cache with the key "{nix_primary}".'])
    L(f"[command]/usr/bin/tar --posix -cf cache.tzst --exclude cache.tzst -P -C {WORK} --exclude-from {tmp}/{uuid(rng)}/paths --files-from manifest.txt --use-compress-program zstdmt")
    sk.received(1051213987, sent=True)
    L("Saved the new cache.")
    sk.wait(0.02, 0.05)
    L("Post job cleanup.")  # cache miss -> save
    save(scc_key)
    sk.wait(0.02, 0.05)
    L("Post job cleanup.")  # fallback -> save under the primary key
    save(tgt_key)
    sk.wait(0.02, 0.05)
    L("Post job cleanup.")  # exact -> nothing saved
    L(f"Cache hit occurred on the primary key {reg_key}, not saving cache.")
    sk.wait(0.02, 0.05)
    L("Post job cleanup.")  # checkout
    sk.lines(["[command]/usr/bin/git version", "git version 2.51.0",
              f"Temporarily overriding HOME='{tmp}/{uuid(rng)}' before making global git config changes",
              "Adding repository directory to the temporary git global config as a safe directory",
              f"[command]/usr/bin/git config --global --add safe.directory {WORK}",
              "[command]/usr/bin/git config --local --unset-all http.https://github.com/.extraheader"])
    sk.wait(0.02, 0.05)
    L("Cleaning up orphan processes")
    return sk


# --------------------------------------------------------------------------
# profiles that look like real logs: nix-cargo, buildkit, fixtures-mix
#
# Their bulk comes from a Stream: one long, coherent sequence of output lines (a Nix fetch
# and build, a cargo build, a test binary's run, a BuildKit build), of which LogWriter.fill
# copies contiguous windows from random offsets.  Runs of `copying path` lines, a vertex's
# `#N` lines and a test binary's `test … ok` lines therefore stay together, as in real logs.

NEW_PROFILES = ("nix-cargo", "buildkit", "fixtures-mix")
PROFILES = ("normal", "short", "longlines") + NEW_PROFILES
NIX32 = "0123456789abcdfghijklmnpqrsvwxyz"  # Nix's base-32 alphabet
GREEN = "\x1b[1m\x1b[92m"  # cargo >= 0.92 (Rust 1.91): bold bright green status word
BLUE = "\x1b[1m\x1b[94m"  # rustc's gutter
RESET = "\x1b[0m"
# Crates, store paths, modules and tests that mention cache in passing.
CACHE_CRATES = "moka-cache quick-cache lru-cache cached cache-padded cacache http-cache-semantics".split()
CACHE_WS = "runlens-cache cache-core blob-cache".split()
CACHE_TESTS = (
    "cache::tests::evicts_lru cache::tests::hits_after_insert cache::lru::tests::keeps_recent "
    "store::cache::tests::reloads_on_miss http::cache::tests::honours_max_age "
    "cache_core::tests::restores_snapshot blob_cache::tests::spills_to_disk"
).split()
NIX_PKGS = (
    "rust-default-1.91.0 openssl-3.3.2 openssl-3.3.2-dev pkg-config-wrapper-0.29.2 gcc-wrapper-14.2.1 "
    "glibc-2.40-66 glibc-2.40-66-bin bash-5.2p37 coreutils-9.5 cargo-nextest-0.9.108 cargo-llvm-cov-0.6.16 "
    "sqlite-3.46.1 zlib-1.3.1 libiconv-109 rustfmt-1.91.0 clippy-1.91.0 rust-src-1.91.0 llvm-19.1.7-lib "
    "binutils-2.43.1 curl-8.11.1 git-2.47.2 nix-2.31.2 source python3-3.12.8 perl-5.40.0 gnumake-4.4.1 "
    "cmake-3.30.5 protobuf-29.3 libgit2-1.8.4 xz-5.6.3 zstd-1.5.6 gnugrep-3.11 gnused-4.9 findutils-4.10.0 "
    "cargo-package-serde-1.0.219 cargo-package-tokio-1.45.0 cargo-package-moka-cache-0.12.8 "
    "cargo-package-quick-cache-0.6.9 cargo-package-lru-cache-0.1.2 vendor-cargo-deps"
).split()
WS_PNAMES = "runlens-deps runlens harness model api-server scheduler".split()


def nix_hash(rng: Random) -> str:
    return "".join(rng.choices(NIX32, k=32))


def store_path(rng: Random, name: str | None = None) -> str:
    return f"/nix/store/{nix_hash(rng)}-{name or rng.choice(NIX_PKGS)}"


def cstatus(word: str, msg: str) -> str:
    return f"{GREEN}{word:>12}{RESET} {msg}"


def some_crate(rng: Random, cache_share: float = 0.12) -> str:
    return rng.choice(CACHE_CRATES + CACHE_WS) if rng.random() < cache_share else rng.choice(CRATES)


def nix_rustc(rng: Random, rust: str, deps: list[str]) -> str:
    c = some_crate(rng).replace("-", "_")
    parts = [
        f"{GREEN}     Running{RESET} `{rust}/bin/rustc --crate-name {c} --edition=2021 "
        f"{rng.choice(['src/lib.rs', 'src/main.rs', 'build.rs'])} --error-format=json "
        "--json=diagnostic-rendered-ansi,artifacts,future-incompat --crate-type lib "
        "--emit=dep-info,metadata,link -C opt-level=3 -C embed-bitcode=no"
    ]
    for _ in range(rng.randint(0, 3)):
        parts.append(f" --cfg 'feature=\"{rng.choice(WORDS)}\"'")
    parts.append(f" -C metadata={hexs(rng, 16)} --out-dir {WORK}/target/release/deps -L dependency={WORK}/target/release/deps")
    for d in rng.sample(deps, rng.randint(0, 3)):
        parts.append(f" -L native={d}/lib")
    for _ in range(rng.randint(0, 14)):
        d = some_crate(rng, 0.05).replace("-", "_")
        parts.append(f" --extern {d}={WORK}/target/release/deps/lib{d}-{hexs(rng, 16)}.rmeta")
    parts.append(" --cap-lints allow`")
    return "".join(parts)


def nix_cargo_stream(rng: Random, n_lines: int, weights: dict[str, float]) -> list[bytes]:
    """Output of `nix develop --command cargo …` with CARGO_TERM_COLOR=always: Nix fetching
    and building store paths, coloured cargo status lines (some with `Running` rustc command
    lines full of store paths), coloured rustc warnings, test binaries' runs."""
    rust = store_path(rng, "rust-default-1.91.0")
    deps = [store_path(rng, n) for n in ("openssl-3.3.2", "zlib-1.3.1", "sqlite-3.46.1", "libgit2-1.8.4", "zstd-1.5.6")]
    out: list[str] = []
    kinds = [k for k in weights if k in EPISODES]
    ws = [weights[k] for k in kinds]
    while len(out) < n_lines:
        kind = rng.choices(kinds, ws)[0]
        if kind == "fetch":
            n = rng.randint(3, 40)
            paths = [store_path(rng) for _ in range(n)]
            dl = rng.uniform(1, 900)
            out.append(f"these {n} paths will be fetched ({dl:.2f} MiB download, {dl * rng.uniform(2, 5):.2f} MiB unpacked):")
            out.extend(f"  {p}" for p in paths)
            subst = "https://cache.nixos.org" if rng.random() < 0.5 else f"https://{REPO}.cachix.org"
            out.extend(f"copying path '{p}' from '{subst}'..." for p in paths)
        elif kind == "build":
            m = rng.randint(1, 5)
            drvs = [store_path(rng, rng.choice(WS_PNAMES) + f"-0.{rng.randint(1, 9)}.0.drv") for _ in range(m)]
            out.append("this derivation will be built:" if m == 1 else f"these {m} derivations will be built:")
            out.extend(f"  {d}" for d in drvs)
            for d in drvs:
                out.append(f"building '{d}'...")
                pname = d.split("-", 1)[1].rsplit("-", 1)[0]
                outp = store_path(rng, d.split("-", 1)[1][:-4])
                phases = [
                    "Running phase: unpackPhase", f"unpacking source archive {store_path(rng, 'source')}", "source root is source",
                    "Running phase: patchPhase", "Executing cargoSetupPostPatchHook",
                    "Validating consistency between /build/source/Cargo.lock and /build/cargo-vendor-dir/Cargo.lock",
                    "Finished cargoSetupPostPatchHook", "Running phase: configurePhase", "Running phase: buildPhase",
                    "Executing cargoBuildHook", "cargoBuildHook flags: -j 4 --target x86_64-unknown-linux-gnu --offline --profile release",
                ]
                phases += [f"   Compiling {some_crate(rng)} v{ver(rng)}" for _ in range(rng.randint(0, 30))]
                phases += [
                    f"    Finished `release` profile [optimized] target(s) in {rng.randint(1, 300)}.{rng.randint(10, 99)}s",
                    "Running phase: installPhase", "Running phase: fixupPhase",
                    f"shrinking RPATHs of ELF executables and libraries in {outp}", f"shrinking {outp}/bin/{pname}",
                    f"checking for references to /build/ in {outp}...", f"patching script interpreter paths in {outp}",
                    f"stripping (with command strip and flags -S -p) in  {outp}/bin",
                ]
                out.extend(f"{pname}> {t}" for t in phases)
        elif kind == "compile":
            for _ in range(rng.randint(4, 30)):
                c = some_crate(rng)
                if rng.random() < 0.1:
                    member = rng.choice(CACHE_WS + WORKSPACE_CRATES)
                    out.append(cstatus("Compiling", f"{member} v0.1.0 ({WORK}/crates/{member})"))
                else:
                    out.append(cstatus("Compiling", f"{c} v{ver(rng)}"))
                if rng.random() < weights.get("rustc_per_crate", 0.3):
                    out.append(nix_rustc(rng, rust, deps))
        elif kind == "warning":
            ident = rng.choice(IDENTS)
            path = f"src/{rng.choice(MODS)}/{rng.choice(SUBS)}.rs"
            ln = rng.randint(1, 2400)
            out += [
                f"\x1b[1m\x1b[33mwarning{RESET}\x1b[1m: unused variable: `{ident}`{RESET}",
                f"{BLUE}  --> {RESET}{path}:{ln}:{rng.randint(1, 80)}",
                f"{BLUE}   |{RESET}",
                f"{BLUE}{ln:>4} |{RESET}     let {ident} = {rng.choice(IDENTS)}.{rng.choice(VERBS)}({rng.choice(IDENTS)});",
                f"{BLUE}   |{RESET}         \x1b[1m\x1b[33m{'^' * len(ident)}{RESET} \x1b[1m\x1b[33mhelp: if this is intentional, prefix it with an underscore: `_{ident}`{RESET}",
                f"{BLUE}   |{RESET}",
                f"{BLUE}   = {RESET}\x1b[1mnote{RESET}: `#[warn(unused_variables)]` on by default",
                "",
            ]
        elif kind == "tests":
            crate = rng.choice(CACHE_WS + WORKSPACE_CRATES).replace("-", "_")
            n = rng.randint(3, 60)
            out += [cstatus("Running", f"unittests src/lib.rs (target/debug/deps/{crate}-{hexs(rng, 16)})"), "", f"running {n} tests"]
            for _ in range(n):
                name = rng.choice(CACHE_TESTS) if rng.random() < weights.get("cache_tests", 0.3) else test_path(rng)
                out.append(f"test {name} ... \x1b[32mok{RESET}")
            out += ["", f"test result: \x1b[32mok{RESET}. {n} passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in {rng.uniform(0, 3):.2f}s", ""]
        elif kind == "misc":
            out.append(cjk_line(rng) if rng.random() < 0.5 else cstatus("Fresh", f"{some_crate(rng)} v{ver(rng)}"))
    return [(x + "\n").encode() for x in out[:n_lines]]


def nix_nextest_status(rng: Random) -> str:
    """nextest's PASS line with colour (CARGO_TERM_COLOR=always reaches nextest too)."""
    binary = rng.choice(CACHE_WS) if rng.random() < 0.01 else rng.choice(WORKSPACE_CRATES)
    if rng.random() < 0.25:
        binary += rng.choice(["::integration", "::e2e"])
    path = rng.choice(CACHE_TESTS) if rng.random() < 0.02 else test_path(rng)
    mod, name = path.rsplit("::", 1)
    return f"\x1b[32;1m        PASS{RESET} [{dur(rng, 0.002)}s] \x1b[35;1m{binary}{RESET} \x1b[36m{mod}::{RESET}\x1b[34;1m{name}{RESET}"


def buildkit_stream(rng: Random, n_lines: int) -> list[bytes]:
    """Plain BuildKit progress (`docker buildx build` under docker/build-push-action): one
    build after another, each numbering its vertices from #1, with cached and executed
    steps, layer pulls, `RUN` output and the GitHub Actions cache export."""
    out: list[str] = []

    def secs(t: float) -> str:
        return f"{t:.3f}" if t < 10 else f"{t:.2f}" if t < 100 else f"{t:.1f}"

    while len(out) < n_lines:
        image = rng.choice(["harness", "api-server", "model", "runlens", "scheduler"])
        base = rng.choice(["rust:1.91-slim-bookworm", "rust:1.90-bookworm", "debian:bookworm-slim", "nixos/nix:2.31.2"])
        v = 0

        def vertex(name: str) -> int:
            nonlocal v
            v += 1
            out.append("")
            out.append(f"#{v} {name}")
            return v

        n = vertex(f"[internal] load build definition from {image}.Dockerfile")
        out += [f"#{n} transferring dockerfile: {rng.randint(1, 4)}.{rng.randint(10, 99)}kB done", f"#{n} DONE 0.0s"]
        n = vertex(f"[internal] load metadata for docker.io/library/{base}")
        out.append(f"#{n} DONE {rng.uniform(0.3, 2):.1f}s")
        n = vertex("[internal] load .dockerignore")
        out += [f"#{n} transferring context: 2B done", f"#{n} DONE 0.0s"]
        n = vertex(f"importing cache manifest from gha:{rng.randint(10**18, 10**19)}")
        out += [f"#{n} inferred cache manifest type: application/vnd.oci.image.index.v1+json done", f"#{n} DONE {rng.uniform(0.2, 1.5):.1f}s"]
        steps = ["WORKDIR /app", "RUN apt-get update && apt-get install -y --no-install-recommends pkg-config libssl-dev",
                 "COPY Cargo.toml Cargo.lock ./", "COPY crates crates",
                 "RUN --mount=type=cache,target=/usr/local/cargo/registry cargo fetch --locked",
                 "COPY . .", f"RUN --mount=type=cache,target=/usr/local/cargo/registry --mount=type=cache,target=/app/target cargo build --release --locked -p {image}"]
        total = len(steps) + 1
        w = len(str(total))
        n = vertex(f"[builder {1:>{w}}/{total}] FROM docker.io/library/{base}@sha256:{hexs(rng, 64)}")
        out.append(f"#{n} resolve docker.io/library/{base}@sha256:{hexs(rng, 64)} 0.0s done")
        cold = rng.random() < 0.4
        if cold:
            for _ in range(rng.randint(2, 6)):
                layer = hexs(rng, 64)
                size = rng.uniform(1, 200)
                for f in (0.2, 0.5, 1.0):
                    out.append(f"#{n} sha256:{layer} {size * f:.2f}MB / {size:.2f}MB {rng.uniform(0.1, 9):.1f}s" + (" done" if f == 1.0 else ""))
                out.append(f"#{n} extracting sha256:{layer} {rng.uniform(0.1, 9):.1f}s done")
            out.append(f"#{n} DONE {rng.uniform(3, 40):.1f}s")
        else:
            out.append(f"#{n} CACHED")
        n = vertex("[internal] load build context")
        out += [f"#{n} transferring context: {rng.uniform(0.1, 40):.2f}MB {rng.uniform(0, 2):.1f}s done", f"#{n} DONE {rng.uniform(0, 2):.1f}s"]
        changed_from = rng.randint(2, total) if cold or rng.random() < 0.7 else total + 1
        for i, step in enumerate(steps, start=2):
            n = vertex(f"[builder {i:>{w}}/{total}] {step}")
            if i < changed_from:
                out.append(f"#{n} CACHED")
                continue
            t = rng.uniform(0.05, 0.5)
            if step.startswith("RUN"):
                if "apt-get" in step:
                    msgs = [f"Get:{k} http://deb.debian.org/debian bookworm/main amd64 {rng.choice(CRATES)} amd64 {ver(rng)} [{rng.randint(10, 900)} kB]" for k in range(1, rng.randint(5, 40))]
                    msgs += ["debconf: delaying package configuration, since apt-utils is not installed", f"Setting up pkg-config ({ver(rng)}) ..."]
                elif "fetch" in step:
                    msgs = ["    Updating crates.io index"] + [f"  Downloaded {some_crate(rng)} v{ver(rng)}" for _ in range(rng.randint(10, 120))]
                else:
                    msgs = [f"   Compiling {some_crate(rng)} v{ver(rng)}" for _ in range(rng.randint(20, 400))]
                    if rng.random() < 0.3:
                        msgs += [f"warning: unused import: `crate::{rng.choice(MODS)}::{rng.choice(IDENTS)}`", f"  --> crates/{image}/src/{rng.choice(MODS)}.rs:{rng.randint(1, 900)}:5"]
                    msgs.append(f"    Finished `release` profile [optimized] target(s) in {rng.randint(1, 20)}m {rng.randint(0, 59):02d}s")
                for m in msgs:
                    t += rng.expovariate(1 / 0.8)
                    out.append(f"#{n} {secs(t)} {m}")
                if rng.random() < 0.2:
                    out.append(f"#{n} ...")
                    k = vertex(f"[runtime 2/4] COPY --from=builder /app/target/release/{image} /usr/local/bin/")
                    out += [f"#{k} CACHED", "", f"#{n} [builder {i:>{w}}/{total}] {step}"]
            out.append(f"#{n} DONE {t:.1f}s")
        n = vertex("exporting to image")
        out += [f"#{n} exporting layers {rng.uniform(0.1, 9):.1f}s done", f"#{n} exporting manifest sha256:{hexs(rng, 64)} done",
                f"#{n} exporting config sha256:{hexs(rng, 64)} done",
                f"#{n} naming to ghcr.io/{OWNER.lower()}/{REPO}/{image}:{hexs(rng, 7)} done",
                f"#{n} pushing layers {rng.uniform(0.5, 20):.1f}s done", f"#{n} DONE {rng.uniform(1, 30):.1f}s"]
        n = vertex("exporting to GitHub Actions Cache")
        out.append(f"#{n} preparing build cache for export")
        for _ in range(rng.randint(1, 8)):
            out.append(f"#{n} writing layer sha256:{hexs(rng, 64)} {rng.uniform(0.1, 9):.1f}s done")
        out += [f"#{n} writing config sha256:{hexs(rng, 64)} {rng.uniform(0.1, 2):.1f}s done",
                f"#{n} writing cache manifest sha256:{hexs(rng, 64)} {rng.uniform(0.1, 2):.1f}s done",
                f"#{n} DONE {rng.uniform(1, 60):.1f}s"]
    return [(x + "\n").encode() for x in out[:n_lines]]


# Lines of the fixture logs that the bulk of fixtures-mix leaves out, because each one in
# the bulk would be a structural event no real build output produces thousands of times:
# step and fold boundaries, annotations, cache-action lines (each would be a restore, save
# or progress report), echoed cache keys and verdicts (the skeleton has those at real
# rates), and test-run summaries.
FIXTURE_EXCLUDED_PREFIXES = tuple(p.encode() for p in (
    "##[", "[warning]", "Post job cleanup.", "Cleaning up orphan processes", "Complete job name:",
    "Current runner version", "Cache ", "Could not find a cache", "Could not save the new cache",
    "Collecting garbage.", "Current store size in bytes", "Received ", "Restored from cache key",
    "Restoring a cache with the key", "Restore Key:", "Sent ", "Searching for a cache", "Saving a new cache",
    "Saved the new cache", "Saved a new cache", "Found a cache", "Found cache key", "Failed to save",
    "Failed to restore", "No cache found.", "Not saving a new cache", "Trying to save a new cache",
    "Maximum allowed store size", "Unable to reserve cache", "Unable to finalize cache", "... Saving cache ...",
    "Path Validation Error",
))
FIXTURE_EXCLUDED_PARTS = (b"Cache Key:", b"CACHE HIT", b"CACHE MISS", b"ache is not found", b"     Summary [", b"    Starting ")


def fixture_messages(fixtures: str) -> tuple[list[bytes], int]:
    """Every line of the real-format sample logs in FIXTURES (`*/job.log`, and the job logs
    inside `*/gh.txt`, identical files once), without BOM, timestamp, gh's job and step
    columns and CR, minus FIXTURE_EXCLUDED_*: the bulk of fixtures-mix draws from this
    multiset, so each line's share is its share in the samples.  Returns the lines and the
    number of lines read."""
    ts = __import__("re").compile(rb"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z ")
    seen: set[bytes] = set()
    msgs: list[bytes] = []
    total = 0
    names = sorted(os.path.join(d, f) for d in os.listdir(fixtures) for f in ("job.log", "gh.txt")
                   if os.path.isfile(os.path.join(fixtures, d, f)))
    for name in names:
        with open(os.path.join(fixtures, name), "rb") as fh:
            data = fh.read()
        if not data or data in seen or b"\0" in data:
            continue
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # the `binary` fixture is no log
        seen.add(data)
        for line in data.split(b"\n"):
            if name.endswith("gh.txt"):
                line = line.split(b"\t", 2)[-1]
            line = line.rstrip(b"\r")
            if line.startswith(BOM):
                line = line[len(BOM):]
            line = ts.sub(b"", line, count=1)
            total += 1
            if line.startswith(FIXTURE_EXCLUDED_PREFIXES) or any(p in line for p in FIXTURE_EXCLUDED_PARTS):
                continue
            msgs.append(line + b"\n")
    if not msgs:
        raise UsageError(f"no fixture logs found under {fixtures}")
    return msgs, total


class Stream:
    """A coherent sequence of output lines; take() copies a contiguous window of k lines
    from a random offset (wrapping around)."""

    def __init__(self, lines: list[bytes]) -> None:
        self.n = len(lines)
        self.lines = lines * (1 + 4096 // self.n) + lines[:4096]

    def take(self, rng: Random, k: int) -> list[bytes]:
        i = rng.randrange(self.n)
        if k > 4096:
            return [self.lines[(i + j) % self.n] for j in range(k)]
        return self.lines[i: i + k]


EPISODES = ("fetch", "build", "compile", "warning", "tests", "misc")
NIX_CARGO_WEIGHTS = {"fetch": 1.05, "build": 1.1, "compile": 1.4, "warning": 0.2, "tests": 0.5, "misc": 0.3,
                     "rustc_per_crate": 0.65, "cache_tests": 0.06}
NIX_BUILD_WEIGHTS = {"fetch": 1.0, "build": 1.6, "compile": 0.3, "warning": 0.1, "tests": 0.1, "misc": 0.1,
                     "rustc_per_crate": 0.5, "cache_tests": 0.1}


def new_profile_pools(rng: Random, profile: str, fixtures: str, total: int) -> dict:
    """The bulk pools of the nix-cargo, buildkit and fixtures-mix profiles, for TOTAL bytes
    of logs: the streams are shorter for small outputs, so that small inputs are quick to
    make."""
    lines = min(60000, max(4000, total // 400))
    if profile == "nix-cargo":
        return {
            "nixcargo": Stream(nix_cargo_stream(rng, lines, NIX_CARGO_WEIGHTS)),
            "nixbuild": Stream(nix_cargo_stream(rng, lines // 2, NIX_BUILD_WEIGHTS)),
            "status": [(nix_nextest_status(rng) + "\n").encode() for _ in range(3000)],
        }
    if profile == "buildkit":
        return {"buildkit": Stream(buildkit_stream(rng, lines * 4 // 3))}
    msgs, _ = fixture_messages(fixtures)
    return {"fixtures": msgs}


def bulk_steps_new(sk: "Skeleton", rng: Random, profile: str, longs: bool, sha: str, tmp: str) -> None:
    """Steps 11-14 (the bulk) of the nix-cargo, buildkit and fixtures-mix profiles; with
    LONGS, each bulk step is split around one of the four long lines."""
    L = sk.line

    def bulk(pool: str, share: float, long_kind: str | None, groups: bool = False) -> None:
        if longs and long_kind:
            sk.bulk(share / 2, pool, groups)
            sk.long(long_kind)
            sk.bulk(share / 2, pool, groups)
        else:
            sk.bulk(share, pool, groups)

    if profile == "nix-cargo":
        sk.script_step(["nix develop --command cargo build --release --workspace --all-targets --locked"], pipefail=True)
        bulk("nixcargo", 0.30, "json")
        bulk("nixcargo", 0.25, "js")
        sk.wait(0.1, 1)
        L(cstatus("Finished", f"`release` profile [optimized] target(s) in {rng.randint(3, 20)}m {rng.randint(0, 59):02d}s"))
        sk.script_step(["nix develop --command cargo clippy --workspace --all-targets -- -D warnings"], pipefail=True)
        for c in WORKSPACE_CRATES + CACHE_WS:
            L(cstatus("Checking", f"{c} v0.1.0 ({WORK}/crates/{c})"))
        sk.script_step(["nix build .#packages.x86_64-linux.default --print-build-logs"], pipefail=True)
        bulk("nixbuild", 0.15, "link")
        sk.script_step([
            "START_TIME=$(date +%s)", "nix develop --command cargo nextest run --workspace --profile ci --no-fail-fast",
            "END_TIME=$(date +%s)", 'echo "⏱️  Unit tests completed in $((END_TIME - START_TIME))s"',
        ], pipefail=True)
        if longs:
            sk.nextest(0.20, "nixcargo", None)
            sk.long("base64")
            sk.bulk(0.10, "nixcargo")
        else:
            sk.nextest(0.30, "nixcargo", None)
    elif profile == "buildkit":
        for n, (image, share, long_kind) in enumerate([("harness", 0.55, "json"), ("api-server", 0.15, "link"), ("model", 0.30, "base64")]):
            sk.action_step("docker/build-push-action@v6", [
                ("context", "."), ("file", f"docker/{image}.Dockerfile"), ("push", "true"),
                ("tags", f"ghcr.io/{OWNER.lower()}/{REPO}/{image}:{sha[:7]}"),
                ("cache-from", f"type=gha,scope={image}"), ("cache-to", f"type=gha,mode=max,scope={image}"),
                ("load", "false"), ("no-cache", "false"), ("pull", "false"), ("github-token", "***"),
            ])
            sk.lines([
                "##[group]Docker info", "[command]/usr/bin/docker version", "Client: Docker Engine - Community",
                " Version:           28.0.4", "##[endgroup]", "##[group]Buildx version", "[command]/usr/bin/docker buildx version",
                f"github.com/docker/buildx v0.29.1 {hexs(rng, 40)}", "##[endgroup]",
                f"[command]/usr/bin/docker buildx build --cache-from type=gha,scope={image} --cache-to type=gha,mode=max,scope={image} "
                f"--file docker/{image}.Dockerfile --iidfile {tmp}/docker-actions-toolkit-{hexs(rng, 6)}/build-iidfile-{hexs(rng, 10)}.txt "
                f"--tag ghcr.io/{OWNER.lower()}/{REPO}/{image}:{sha[:7]} --metadata-file {tmp}/docker-actions-toolkit-{hexs(rng, 6)}/build-metadata-{hexs(rng, 10)}.json --push .",
                f'#0 building with "builder-{uuid(rng)}" instance using docker-container driver',
            ])
            bulk("buildkit", share, long_kind)
            sk.lines(["##[group]ImageID", f"sha256:{hexs(rng, 64)}", "##[endgroup]", "##[group]Digest", f"sha256:{hexs(rng, 64)}",
                      "##[endgroup]", "##[group]Check build summary support", "Build summary supported!", "##[endgroup]"])
    else:  # fixtures-mix
        sk.script_step(["cargo build --release --workspace --all-targets --locked"], pipefail=True)
        bulk("fixtures", 0.55, "json")
        sk.script_step(["make -C native -j4 V=1"], pipefail=True)
        bulk("fixtures", 0.15, "link")
        sk.script_step(["cargo llvm-cov nextest --workspace --profile ci --no-fail-fast"], pipefail=True)
        bulk("fixtures", 0.30, "base64")


# --------------------------------------------------------------------------
# measured shares of a generated log (the `stats` subcommand)

STATS_COLUMNS = ("lines", "average line (B)", "starting with ESC", "containing `cache`", "containing `/nix/store/`", "`Cache Key:` lines")


def log_stats(paths: list[str]) -> dict:
    """Line count, average line length (bytes per line, newline and timestamp included), and
    the shares of lines whose message (after gh's columns, the BOM and the runner's timestamp) starts with
    ESC, that contain `cache` (lower case), `/nix/store/`, and the number that contain
    `Cache Key:` (what the grep yardstick counts).  PATHS are files, directories (every
    file in them) or zips (every entry).  Everything is counted exactly: about 20 s of CPU
    per GiB, so run.sh keeps the result in a sidecar."""
    import re
    import zipfile
    from itertools import repeat
    # gh's job and step columns (`gh run view --log` output) come before the BOM.
    esc = re.compile(
        rb"^(?:[^\t\n]*\t[^\t\n]*\t)?(?:\xef\xbb\xbf)?(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z )?\x1b", re.M)
    has = bytes.__contains__
    acc = {"bytes": 0, "lines": 0, "esc": 0, "cache": 0, "nix": 0, "key": 0}

    def sources():
        for path in paths:
            if os.path.isdir(path):
                for name in sorted(os.listdir(path)):
                    yield lambda p=os.path.join(path, name): open(p, "rb")
            elif zipfile.is_zipfile(path):
                zf = zipfile.ZipFile(path)
                for info in zf.infolist():
                    yield lambda i=info: zf.open(i)
            else:
                yield lambda p=path: open(p, "rb")

    def count(data: bytes) -> None:
        acc["bytes"] += len(data)
        acc["lines"] += data.count(b"\n")
        acc["esc"] += len(esc.findall(data))
        lines = data.split(b"\n")
        acc["cache"] += sum(map(has, lines, repeat(b"cache")))
        acc["nix"] += sum(map(has, lines, repeat(b"/nix/store/")))
        acc["key"] += sum(map(has, lines, repeat(b"Cache Key:")))

    for opener in sources():
        with opener() as fh:
            rest = b""
            while True:
                chunk = fh.read(16 << 20)
                if not chunk:
                    break
                data = rest + chunk
                cut = data.rfind(b"\n") + 1
                data, rest = data[:cut], data[cut:]
                count(data)
            if rest:
                count(rest + b"\n")
                acc["bytes"] -= 1
    n = max(acc["lines"], 1)
    return {
        "lines": acc["lines"], "average": acc["bytes"] / n, "esc": 100 * acc["esc"] / n,
        "cache": 100 * acc["cache"] / n, "nix": 100 * acc["nix"] / n, "key": acc["key"],
    }


def format_stats(st: dict) -> str:
    """One Markdown table row body: lines | average | colour % | cache % | nix % | Cache Key lines."""
    return (f"{st['lines']:,} | {st['average']:.0f} | {st['esc']:.1f}% | {st['cache']:.1f}% | {st['nix']:.1f}% | {st['key']:,}")


# --------------------------------------------------------------------------
# many job logs: a directory or a run-logs zip (the `jobs` subcommand)

JOB_BASES = {"normal": "build-and-test", "nix-cargo": "nix-test", "buildkit": "build-image", "fixtures-mix": "check",
             "short": "lint", "longlines": "bundle"}


def gen_jobs(count: int, size: int, seed: int, profiles: list[str], out: str, fixtures: str, as_zip: bool,
             as_gh: bool = False) -> None:
    """COUNT job logs of SIZE bytes each, profile i % len(PROFILES), as a directory of
    `N_<job name>.txt` files or, with AS_ZIP, as a run-logs zip with those
    top-level entries (deflated, fixed entry dates, so the bytes are reproducible),
    or, with AS_GH, as one file of `gh run view --log` output: every line of each job
    as `<job name>` TAB `UNKNOWN STEP` TAB `<raw line>`, jobs one after another (what gh
    prints for a job whose run-logs zip has no step files, the usual case since 2025; the
    job's BOM stays right after the second tab of its first line)."""
    import shutil
    import zipfile
    if count < 1:
        raise UsageError("--count must be at least 1")
    pools: dict[str, dict] = {}
    tmp = out + ".job"
    gh = None
    if as_zip:
        zf = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6)
    elif as_gh:
        gh = open(out, "wb")
    else:
        os.makedirs(out)
    try:
        for i in range(count):
            profile = profiles[i % len(profiles)]
            if profile not in pools:
                prng = Random(seed * 7919 + PROFILES.index(profile))
                pools[profile] = make_pools(prng, profile, fixtures, count * size)
            name = f"{JOB_BASES[profile]} (stable, shard {i + 1})"
            path = tmp if as_zip or as_gh else os.path.join(out, f"{i}_{name}.txt")
            render_log(Random(seed * 1_000_003 + i), profile, "plain", size, path, LONG_LINE_DEFAULT, pools[profile], name)
            if gh is not None:
                prefix = name.encode() + b"\tUNKNOWN STEP\t"
                with open(tmp, "rb") as src:
                    # gh splits a job's log on LF only; a line without one ends the job.
                    gh.writelines(prefix + line if line.endswith(b"\n") else prefix + line + b"\n"
                                  for line in src)
            if as_zip:
                info = zipfile.ZipInfo(f"{i}_{name}.txt", date_time=(2025, 10, 4, 14, 40, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with open(tmp, "rb") as src, zf.open(info, "w") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
    finally:
        if as_zip:
            zf.close()
        if gh is not None:
            gh.close()
        if os.path.exists(tmp):
            os.remove(tmp)


# --------------------------------------------------------------------------
# log renderer


class LogWriter:
    def __init__(self, rng: Random, sink: Sink, clock: Clock) -> None:
        self.rng = rng
        self.sink = sink
        self.clock = clock
        # sorted fractional-second columns for bulk blocks, several variants per size
        self.fracs: dict[int, list[tuple[list[bytes], int]]] = {}

    def frac_variant(self, k: int) -> tuple[list[bytes], int]:
        if k not in self.fracs:
            vs = []
            for _ in range(6):
                vals = sorted(self.rng.sample(range(TICKS), k))
                vs.append(([b"%07dZ " % v for v in vals], vals[-1]))
            self.fracs[k] = vs
        return self.rng.choice(self.fracs[k])

    def line(self, msg: bytes, dt: int | None = None) -> None:
        self.clock.t += dt if dt is not None else self.rng.randint(40, 2600)
        self.sink.put(self.clock.stamp() + msg)

    def pad_line(self, total: int) -> None:
        """One line of exactly total bytes (timestamp and newline included)."""
        n = total - TS_LEN - 1
        assert n >= 1, total
        text = PAD_TEXT * (n // len(PAD_TEXT) + 1)
        self.line(text[:n] + b"\n")

    def block(self, msgs: list[bytes], k: int) -> None:
        sec = self.clock.t // TICKS + 1 + (self.rng.random() < 0.3)
        col, last = self.frac_variant(k)
        parts = [self.clock.prefix(sec)] * (3 * len(msgs))
        parts[1::3] = col[: len(msgs)]
        parts[2::3] = msgs
        self.sink.put(b"".join(parts))
        self.clock.t = sec * TICKS + (last if len(msgs) == k else int(col[len(msgs) - 1][:7]))

    def fill(self, budget: int, pool: list[bytes], k: int, groups: bool = False) -> None:
        """Write random lines from pool, exactly budget bytes in total."""
        rng = self.rng
        remaining = budget
        open_group = False
        nblock = 0
        endg = b"##[endgroup]\n"
        while True:
            chosen = pool.take(rng, k) if isinstance(pool, Stream) else rng.choices(pool, k=k)
            blen = TS_LEN * k + sum(map(len, chosen))
            extra: list[bytes] = []
            if groups and nblock % 8 == 0:
                if open_group:
                    extra.append(endg)
                extra.append(f"##[group]make[2]: Building target {rng.choice(MODS)}_{rng.choice(SUBS)} ({nblock // 8 + 1})\n".encode())
            elen = sum(TS_LEN + len(e) for e in extra)
            if blen + elen + (TS_LEN + len(endg) if groups else 0) <= remaining - RESERVE:
                for e in extra:
                    self.line(e)
                    open_group = True
                self.block(chosen, k)
                remaining -= blen + elen
                nblock += 1
                continue
            # exact-size tail
            if open_group:
                self.line(endg)
                remaining -= TS_LEN + len(endg)
            for m in chosen:
                n = TS_LEN + len(m)
                if remaining - n >= MIN_PAD:
                    self.line(m)
                    remaining -= n
            self.pad_line(remaining)
            return

    def nextest(self, budget: int, status_pool: list[bytes], filler_pool: list[bytes], filler_k: int, cap: int | None) -> None:
        rng = self.rng
        start = self.sink.total
        avg = TS_LEN + sum(map(len, status_pool)) / len(status_pool)
        n = max(4, int(budget * 0.85 / avg))
        if cap is not None:
            n = min(n, cap)
        skipped = rng.randint(0, 40)
        binaries = len(WORKSPACE_CRATES) + 6
        fl = f"{rng.choice(WORKSPACE_CRATES)} {test_path(rng)}"
        for m in [
            "------------", f" Nextest run ID {uuid(rng)} with nextest profile: ci",
            f"    Starting {n} tests across {binaries} binaries ({skipped} tests skipped)",
            f"  TRY 1 FAIL [{dur(rng)}s] {fl}", "  stdout ───", "", "    running 1 test",
            f"    test {fl.split(' ', 1)[1]} ... FAILED", "  stderr ───",
            f"    thread '{fl.split(' ', 1)[1]}' panicked at src/net.rs:88:9:", "    connection reset by peer (os error 104)", "",
            f"  TRY 2 PASS [{dur(rng)}s] {fl}",
        ]:
            self.line((m + "\n").encode())
        t_start = self.clock.t
        done = 1
        reserve = 400 + RESERVE + MIN_PAD
        k = 1024
        while done < n:
            kk = min(k, n - done)
            chosen = rng.choices(status_pool, k=kk)
            blen = TS_LEN * kk + sum(map(len, chosen))
            if self.sink.total - start + blen > budget - reserve:
                break
            self.block(chosen, kk)
            done += kk
        secs = (self.clock.t - t_start) / TICKS + rng.uniform(0.01, 0.2)
        for m in [
            "------------",
            f"     Summary [{secs:8.3f}s] {done} tests run: {done} passed (1 flaky), {skipped} skipped" if done == n
            else f"     Summary [{secs:8.3f}s] {done}/{n} tests run: {done} passed (1 flaky), {skipped} skipped",
            f"   FLAKY 2/2 [{dur(rng)}s] {fl}",
        ]:
            self.line((m + "\n").encode())
        self.fill(budget - (self.sink.total - start), filler_pool, filler_k)


PAD_TEXT = (
    b"note: this line continues the build output with some plain ascii text so that the file ends "
    b"at the requested size; compiler diagnostics, linker notes and progress messages look like this. "
)


def make_pools(rng: Random, profile: str, fixtures: str, total: int) -> dict:
    """The bulk pools of PROFILE (lists of lines drawn at random, or Streams), plus
    "status", nextest's PASS lines."""
    if profile in NEW_PROFILES:
        return new_profile_pools(rng, profile, fixtures, total)
    pools: dict = {}
    if profile == "short":
        pools["short"] = tune_short_pool(rng, [(short_msg(rng) + "\n").encode() for _ in range(4000)], 9.0)
    else:
        pools["rust"] = build_pool(rng, rust_short, lambda r: rustc_command(r) if r.random() < 0.6 else cc_rs_running(r), 4000, 130)
        pools["native"] = build_pool(rng, native_short, gcc_command, 3000, 130)
        pools["coverage"] = build_pool(rng, coverage_short, None, 2000, 130)
    pools["status"] = [(nextest_status(rng) + "\n").encode() for _ in range(3000)]
    return pools


def gen_log(profile: str, variant: str, size: int, seed: int, out: str, long_size: int, fixtures: str) -> None:
    rng = Random(seed)
    sk = build_skeleton(rng, profile, variant)
    render_log(rng, profile, variant, size, out, long_size, make_pools(rng, profile, fixtures, size), DEFAULT_JOB, sk)


def render_log(rng: Random, profile: str, variant: str, size: int, out: str, long_size: int, pools: dict,
               job_name: str, sk: "Skeleton | None" = None) -> None:
    """Writes one job log of exactly SIZE bytes: the skeleton (built here from RNG unless
    given) with its bulk steps filled from POOLS."""
    if sk is None:
        sk = build_skeleton(rng, profile, variant, job_name)
    status_pool = pools.get("status", [])
    block_k = {"short": 4096}

    fixed = 0
    shares = 0.0
    n_long = 0
    for op in sk.ops:
        if op[0] == "L":
            fixed += TS_LEN + len(op[1])
        elif op[0] == "C":
            fixed += len(op[1])
        elif op[0] == "X":
            n_long += 1
        elif op[0] in ("B", "N"):
            shares += op[1]
    if n_long and long_size < 4096:
        raise UsageError("--long-line-size must be at least 4096")
    fixed += len(BOM) + n_long * long_size
    bulk_total = size - fixed
    minimum = fixed + 64 * 1024
    if size < minimum:
        raise UsageError(f"--size {size} is too small for profile {profile}: need at least {minimum} bytes")

    sink = Sink(out)
    clock = Clock("2025-10-04T14:01:49")
    w = LogWriter(rng, sink, clock)
    sink.put(BOM)
    bulk_idx = [i for i, op in enumerate(sk.ops) if op[0] in ("B", "N")]
    assigned = 0
    budgets: dict[int, int] = {}
    for j, i in enumerate(bulk_idx):
        b = bulk_total - assigned if j == len(bulk_idx) - 1 else int(bulk_total * sk.ops[i][1] / shares)
        budgets[i] = b
        assigned += b
    for i, op in enumerate(sk.ops):
        kind = op[0]
        if kind == "L":
            w.line(op[1], op[2])
        elif kind == "C":
            sink.put(op[1])
        elif kind == "W":
            clock.t += op[1]
        elif kind == "B":
            w.fill(budgets[i], pools[op[2]], block_k.get(op[2], 1024), groups=op[3])
        elif kind == "N":
            w.nextest(budgets[i], status_pool, pools[op[2]], block_k.get(op[2], 1024), op[3])
        elif kind == "X":
            w.line(long_line(rng, op[1], long_size))
    sink.close()
    if sink.total != size:
        raise RuntimeError(f"internal error: wrote {sink.total} bytes, wanted {size}")


# --------------------------------------------------------------------------
# JUnit


SUITE_NAMES = [
    "model", "harness", "image-builder", "runlens-core", "ledger-core", "textkit", "api-server", "storage",
    "scheduler", "cli-tools", "ledger-core::integration", "api-server::e2e", "storage::migrations",
    "ledger-cli::bin/ledger", "cli-tools::bin/runlens", "textkit::bench/render", "scheduler::integration",
    "harness::container", "model::providers", "image-builder::build",
]

OUTCOME_PASS, OUTCOME_FAIL, OUTCOME_RERUN, OUTCOME_FLAKY, OUTCOME_SKIP = range(5)


def esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;").replace('"', "&quot;")


ASSERTIONS = [
    'assertion `left == right` failed: parsed value differs\n  left: Some("a & b")\n right: Some("a &amp; b")',
    'called `Result::unwrap()` on an `Err` value: Timeout("rates.example.invalid:443 after 250ms")',
    "assertion failed: later >= earlier\nearlier = 1772465462.901245, later = 1772465462.901",
    "expected <Vec<u8>> with len > 0, got \"\" & 'nothing'",
    "assertion `left != right` failed: keys must differ\n  left: \"Linux-cargo-<hash>\"\n right: \"Linux-cargo-<hash>\"",
    'snapshot mismatch for <testcase name="x">: expected "&lt;" but found \'<\'',
]


class NameGen:
    """Unique, realistic test names: a permuted mixed-radix index into word lists."""

    M = len(MODS) * len(SUBS) * len(VERBS) * len(NOUNS)

    def __init__(self, rng: Random) -> None:
        self.a = 1_000_003
        assert math.gcd(self.a, self.M) == 1
        self.b = rng.randrange(self.M)

    def name(self, i: int, integration: bool) -> str:
        p = (i * self.a + self.b) % self.M
        p, n = divmod(p, len(NOUNS))
        p, v = divmod(p, len(VERBS))
        m, s = divmod(p, len(SUBS))
        base = f"{MODS[m]}::{SUBS[s]}::{VERBS[v]}_{NOUNS[n]}" if integration else f"{MODS[m]}::{SUBS[s]}::tests::{VERBS[v]}_{NOUNS[n]}"
        if i >= self.M:
            base += f"_{i // self.M}"
        return base


def gen_junit(cases: int, seed: int, out: str) -> None:
    if cases < 1:
        raise UsageError("--cases must be at least 1")
    rng = Random(seed)
    nsuites = min(20, cases)
    weights = [rng.random() ** 2 + 0.05 for _ in range(nsuites)]
    wsum = sum(weights)
    sizes = [1 + int((cases - nsuites) * w / wsum) for w in weights]
    sizes[0] += cases - sum(sizes)
    outcomes = bytearray(cases)
    r = rng.random
    for i in range(cases):
        x = r()
        if x < 0.96:
            continue
        if x < 0.974:
            outcomes[i] = OUTCOME_FAIL
        elif x < 0.98:
            outcomes[i] = OUTCOME_RERUN
        elif x < 0.99:
            outcomes[i] = OUTCOME_FLAKY
        else:
            outcomes[i] = OUTCOME_SKIP
    total_fail = outcomes.count(OUTCOME_FAIL) + outcomes.count(OUTCOME_RERUN)
    total_skip = outcomes.count(OUTCOME_SKIP)
    names = NameGen(rng)

    sink = Sink(out)
    base = calendar.timegm(time.strptime("2026-03-02T14:12:40", "%Y-%m-%dT%H:%M:%S"))
    ms = 117
    run_time = 0.002 * cases + rng.uniform(5, 60)
    sink.put(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    sink.put(
        (
            f'<testsuites name="nextest-run" tests="{cases}" skipped="{total_skip}" failures="{total_fail}" errors="0" '
            f'uuid="{uuid(rng)}" timestamp="{time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(base))}.117+00:00" time="{run_time:.3f}">\n'
        ).encode()
    )
    cache_sec = -1
    pfx = ""

    def stamp(ms_total: int) -> str:
        nonlocal cache_sec, pfx
        sec, msr = divmod(ms_total, 1000)
        if sec != cache_sec:
            cache_sec = sec
            pfx = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(base + sec))
        return f"{pfx}.{msr:03d}+00:00"

    def t3(ms_: int) -> str:
        return f"{ms_ // 1000}.{ms_ % 1000:03d}"

    def panic(name: str) -> tuple[str, str, str, str]:
        loc = f"src/{rng.choice(MODS)}.rs:{rng.randint(1, 900)}:{rng.randint(1, 40)}"
        msg = f"thread '{name}' panicked at {loc}"
        body = f"{msg}:\n{rng.choice(ASSERTIONS)}\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace"
        prints = "".join(
            rng.choice([
                f"GET https://api.example.invalid/v1/items?id={rng.randint(1, 999)}&page=<{rng.randint(1, 9)}>\n",
                "comparing \"expected\" vs 'actual' & friends\n",
                f"loaded fixture tests/data/{rng.choice(NOUNS)}.json ({rng.randint(1, 999)} entries)\n",
                "<html><body>unexpected response</body></html>\n",
            ])
            for _ in range(rng.randint(0, 4))
        )
        outp = (
            f"\nrunning 1 test\n{prints}test {name} ... FAILED\n\nfailures:\n\nfailures:\n    {name}\n\n"
            f"test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; {rng.randint(0, 400)} filtered out; finished in 0.0{rng.randint(0, 9)}s\n\n"
        )
        return esc(msg), esc(body), esc(outp), esc(body + "\n")

    idx = 0
    for si, n_in in enumerate(sizes):
        suite = SUITE_NAMES[si % len(SUITE_NAMES)]
        cls = esc(suite)
        integration = "::" in suite
        outs = outcomes[idx: idx + n_in]
        s_fail = outs.count(OUTCOME_FAIL) + outs.count(OUTCOME_RERUN)
        s_skip = outs.count(OUTCOME_SKIP)
        sink.put(f'    <testsuite name="{cls}" tests="{n_in}" skipped="{s_skip}" errors="0" failures="{s_fail}">\n'.encode())
        parts: list[str] = []
        for j in range(n_in):
            o = outs[j]
            if rng.random() < 0.002:
                name = esc(f'cases::snapshot_{idx + j} [input="<a href=\'x\'>&amp;"] 🦀')
            else:
                name = names.name(idx + j, integration)
            ms += rng.randint(0, 3)
            d = int(rng.expovariate(1 / 12.0)) + 1
            if o == OUTCOME_PASS:
                parts.append(f'        <testcase name="{name}" classname="{cls}" timestamp="{stamp(ms)}" time="{t3(d)}"/>\n')
            elif o == OUTCOME_SKIP:
                parts.append(
                    f'        <testcase name="{name}" classname="{cls}" time="0.000">\n'
                    '            <skipped message="Skipped: test does not match the run-ignored option"/>\n'
                    "        </testcase>\n"
                )
            elif o == OUTCOME_FLAKY:
                tries = rng.randint(1, 2)
                parts.append(f'        <testcase name="{name}" classname="{cls}" timestamp="{stamp(ms + 40 * tries)}" time="{t3(d)}">\n')
                for t in range(tries):
                    m, b, so, se = panic(name)
                    parts.append(
                        f'            <flakyFailure timestamp="{stamp(ms + 40 * t)}" time="{t3(d + t)}" message="{m}" type="test failure with exit code 101">{b}\n'
                        f"                <system-out>{so}</system-out>\n"
                        f"                <system-err>{se}</system-err>\n"
                        "            </flakyFailure>\n"
                    )
                parts.append("        </testcase>\n")
            else:
                m, b, so, se = panic(name)
                parts.append(
                    f'        <testcase name="{name}" classname="{cls}" timestamp="{stamp(ms)}" time="{t3(d)}">\n'
                    f'            <failure message="{m}" type="test failure with exit code 101">{b}</failure>\n'
                )
                if o == OUTCOME_RERUN:
                    for t in range(rng.randint(1, 2)):
                        m2, b2, so2, se2 = panic(name)
                        parts.append(
                            f'            <rerunFailure timestamp="{stamp(ms + 40 * (t + 1))}" time="{t3(d + t)}" message="{m2}" type="test failure with exit code 101">{b2}\n'
                            f"                <system-out>{so2}</system-out>\n"
                            f"                <system-err>{se2}</system-err>\n"
                            "            </rerunFailure>\n"
                        )
                parts.append(f"            <system-out>{so}</system-out>\n            <system-err>{se}</system-err>\n        </testcase>\n")
            if len(parts) >= 8192:
                sink.put("".join(parts).encode())
                parts = []
        if parts:
            sink.put("".join(parts).encode())
        sink.put(b"    </testsuite>\n")
        idx += n_in
    sink.put(b"</testsuites>\n")
    sink.close()


# --------------------------------------------------------------------------
# command line


def positive_int(text: str) -> int:
    try:
        v = int(text.replace("_", ""), 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}")
    if v < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
    return v


def hold(paths: list[str]) -> int:
    """Maps every file of PATHS (folders recursively) and locks it in memory, says `held` on
    standard output, then waits for standard input to close. Some machines reclaim page cache
    that looks idle (DAMON's proactive reclaim on this project's VMs pages out file pages that
    only read(2) touches), so an input read once beforehand may partly come from disk again
    in the middle of its timed runs; held, every run reads it from memory, as the report says.
    Beyond what it may lock (RLIMIT_MEMLOCK without root or CAP_IPC_LOCK), or on a platform
    without mlock, it says `not held` and why."""
    try:
        said = hold_files(paths)
    except Exception as error:  # noqa: BLE001 - any failure: say so, hold nothing more
        said = f"not held ({error})"
    print(said, flush=True)
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    return 0


def hold_files(paths: list[str]) -> str:
    """Maps and locks PATHS for ``hold``; returns what to say (files locked before a failure
    stay locked until the process ends)."""
    import ctypes
    import ctypes.util
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
    libc.mlock.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    files = []
    for path in paths:
        if os.path.isdir(path):
            for root, _, names in os.walk(path):
                files += [os.path.join(root, name) for name in sorted(names)]
        else:
            files.append(path)
    held = 0
    failure = None
    prot_read, map_shared = 1, 1
    for name in files:
        size = os.path.getsize(name)
        if size == 0:
            continue
        fd = os.open(name, os.O_RDONLY)
        try:
            address = libc.mmap(None, size, prot_read, map_shared, fd, 0)
        finally:
            os.close(fd)
        if address in (None, ctypes.c_void_p(-1).value) or libc.mlock(address, size) != 0:
            failure = f"{name}: {os.strerror(ctypes.get_errno())}"
            break
        held += size
    return f"held {held} bytes" if failure is None else f"not held ({failure})"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="generate.py", description="Deterministic benchmark inputs for runlens.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    lp = sub.add_parser("log", help="raw GitHub Actions job log")
    lp.add_argument("--profile", choices=list(PROFILES), required=True)
    lp.add_argument("--variant", choices=["plain", "longlines"], default="plain",
                    help="longlines: add the four long lines of the longlines profile (nix-cargo, buildkit, fixtures-mix)")
    lp.add_argument("--size", type=positive_int, required=True, help="exact output size in bytes")
    lp.add_argument("--seed", type=positive_int, required=True)
    lp.add_argument("--out", required=True)
    lp.add_argument("--long-line-size", type=positive_int, default=LONG_LINE_DEFAULT,
                    help="bytes per long line in the longlines profile, timestamp and newline included (default 10 MiB)")
    lp.add_argument("--fixtures", default=FIXTURES_DEFAULT, help="fixture directory for fixtures-mix (default: the package's Fixtures/)")
    jp = sub.add_parser("junit", help="nextest JUnit XML")
    jp.add_argument("--cases", type=positive_int, required=True)
    jp.add_argument("--seed", type=positive_int, required=True)
    jp.add_argument("--out", required=True)
    mp = sub.add_parser("jobs", help="many job logs: a directory, or a run-logs zip when --out ends in .zip")
    mp.add_argument("--count", type=positive_int, required=True)
    mp.add_argument("--size", type=positive_int, required=True, help="exact size of each job log in bytes")
    mp.add_argument("--profiles", default="nix-cargo,normal,buildkit,fixtures-mix",
                    help="comma-separated profiles, job i gets profile i %% n (default nix-cargo,normal,buildkit,fixtures-mix)")
    mp.add_argument("--seed", type=positive_int, required=True)
    mp.add_argument("--out", required=True)
    mp.add_argument("--fixtures", default=FIXTURES_DEFAULT)
    mp.add_argument("--gh", action="store_true", help="write one file of `gh run view --log` output instead")
    sp = sub.add_parser("stats", help="print the measured shares of generated logs (files, directories, zips)")
    sp.add_argument("paths", nargs="+")
    sp.add_argument("--row", action="store_true", help="print only the Markdown row cells")
    hp = sub.add_parser("hold", help="lock files (folders recursively) in memory until standard input closes")
    hp.add_argument("paths", nargs="+")
    args = ap.parse_args(argv)
    if args.cmd == "hold":
        return hold(args.paths)
    if args.cmd == "stats":
        try:
            st = log_stats(args.paths)
        except OSError as e:
            print(f"generate.py: error: {e}", file=sys.stderr)
            return 1
        if args.row:
            print(format_stats(st))
        else:
            print("| " + " | ".join(STATS_COLUMNS) + " |")
            print("| " + " | ".join("---:" for _ in STATS_COLUMNS) + " |")
            print("| " + format_stats(st) + " |")
        return 0
    if args.cmd == "log" and args.variant != "plain" and args.profile not in NEW_PROFILES:
        print("generate.py: error: --variant applies to nix-cargo, buildkit and fixtures-mix", file=sys.stderr)
        return 2
    # Write to a side file and rename at the end, so an interrupted run never
    # leaves a truncated file under the final name.
    part = f"{args.out}.part"
    try:
        if args.cmd == "log":
            gen_log(args.profile, args.variant, args.size, args.seed, part, args.long_line_size, args.fixtures)
        elif args.cmd == "jobs":
            profiles = args.profiles.split(",")
            bad = [p for p in profiles if p not in PROFILES]
            if bad:
                raise UsageError(f"unknown profile(s): {', '.join(bad)}")
            as_zip = args.out.endswith(".zip") and not args.gh
            if not as_zip and not args.gh:
                part = f"{args.out}.part.d"
            gen_jobs(args.count, args.size, args.seed, profiles, part, args.fixtures, as_zip, args.gh)
            if os.path.isdir(args.out):
                __import__("shutil").rmtree(args.out)
        else:
            gen_junit(args.cases, args.seed, part)
        os.replace(part, args.out)
    except UsageError as e:
        print(f"generate.py: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"generate.py: error: {e}", file=sys.stderr)
        return 1
    finally:
        if os.path.isdir(part):
            __import__("shutil").rmtree(part)
        elif os.path.exists(part):
            os.remove(part)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
