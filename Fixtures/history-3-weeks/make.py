#!/usr/bin/env python3
"""Writes the history-3-weeks fixture: 40 runs' metrics JSON (runlens schema 1).

Run from anywhere: python3 Fixtures/history-3-weeks/make.py. The output is deterministic;
SOURCE.md states the design and the figures a reader computes by hand from it.
"""
import datetime
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
START = datetime.datetime(2026, 11, 2, 6, 0, 0, tzinfo=datetime.timezone.utc)
MB = 1_000_000


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")


def sha(i):
    return hashlib.sha1(f"ledger commit {i}".encode()).hexdigest()


def keyhash(name, i):
    return hashlib.sha1(f"{name} {i}".encode()).hexdigest()[:16]


def restore(step, action, family, i, outcome, size, ms, level=None):
    primary = family + keyhash(family, i)
    restored = {"exact-hit": primary, "fallback-hit": family + keyhash(family, i - 1)}.get(outcome)
    return {
        "action": action, "durationMs": ms,
        "fallbackLevel": {"exact-hit": 0, "fallback-hit": 1}.get(outcome, level),
        "line": 1, "message": None, "outcome": outcome, "primaryKey": primary,
        "restoreKeys": [family], "restoredKey": restored,
        "sizeBytes": size if outcome != "miss" else None, "step": step,
    }


def save(step, action, family, i, outcome, size, ms):
    return {
        "action": action, "durationMs": ms, "key": family + keyhash(family, i), "line": 1,
        "message": None, "nixStore": None, "outcome": outcome, "reservationConflict": False,
        "sizeBytes": size if outcome == "saved" else None, "step": step,
    }


def steps(start, spec):
    out, t = [], start
    for number, (name, kind, action, ms) in enumerate(spec, 1):
        out.append({
            "action": action, "conclusion": "success", "durationMs": ms, "header": name,
            "kind": kind, "line": number, "name": name, "number": number, "startedAt": iso(t),
        })
        t += datetime.timedelta(milliseconds=ms)
    return out


def run(i, start, branch, after):
    """Run i (main: 1..36, feature: 37..40); `after` is true from the change point on."""
    registry_out = "exact-hit"
    target_out = "fallback-hit" if after or i in (5, 13) else "exact-hit"
    test_registry_out = "exact-hit" if (not after or i in (25, 31)) else "fallback-hit"
    build_ms = ((420 if after else 300) + 10 * (i % 3)) * 1000
    test_ms = (240 + 5 * (i % 2)) * 1000
    target_size = 2_000 * MB + 50 * MB * i
    reg_ms = 20_000
    target_ms = 60_000 if target_out == "fallback-hit" else 25_000
    test_reg_ms = 20_000 if test_registry_out == "exact-hit" else 30_000
    target_save = "saved" if target_out != "exact-hit" else "skipped"
    test_reg_save = "saved" if test_registry_out != "exact-hit" else "skipped"
    build_steps = steps(start, [
        ("Set up job", "setup", None, 2_000),
        ("Checkout", "action", "actions/checkout", 3_000),
        ("Cache cargo registry", "action", "actions/cache", reg_ms),
        ("Cache cargo target", "action", "actions/cache", target_ms),
        ("cargo build --release", "script", None, build_ms - 2_000 - 3_000 - reg_ms - target_ms - 8_000),
        ("Post Cache cargo target", "post", "actions/cache", 6_000 if target_save == "saved" else 1_000),
        ("Post Cache cargo registry", "post", "actions/cache", 1_000),
        ("Complete job", "complete", None, 1_000 if target_save == "saved" else 6_000),
    ])
    test_steps = steps(start, [
        ("Set up job", "setup", None, 2_000),
        ("Checkout", "action", "actions/checkout", 3_000),
        ("Cache cargo registry", "action", "actions/cache", test_reg_ms),
        ("Cache sccache", "action", "actions/cache", 1_000),
        ("cargo nextest run", "script", None, test_ms - 2_000 - 3_000 - test_reg_ms - 1_000 - 6_000),
        ("Post Cache sccache", "post", "actions/cache", 4_000),
        ("Post Cache cargo registry", "post", "actions/cache", 1_000),
        ("Complete job", "complete", None, 1_000),
    ])
    build = {
        "cache": {
            "reportedHits": 0, "reportedKeys": [], "reportedMisses": 0,
            "restores": [
                restore("Cache cargo registry", "actions/cache", "cargo-registry-Linux-", i, registry_out, 350 * MB, reg_ms),
                restore("Cache cargo target", "actions/cache", "cargo-target-Linux-", i, target_out, target_size, target_ms),
            ],
            "saves": [
                save("Post Cache cargo target", "actions/cache", "cargo-target-Linux-", i, target_save, target_size, 6_000 if target_save == "saved" else 1_000),
                save("Post Cache cargo registry", "actions/cache", "cargo-registry-Linux-", i, "skipped", None, 1_000),
            ],
        },
        "completedAt": iso(start + datetime.timedelta(milliseconds=build_ms)),
        "conclusion": "success", "durationMs": build_ms, "hasLog": True, "name": "build",
        "partial": False, "source": f"run-{i}/build.log", "startedAt": iso(start),
        "steps": build_steps, "tests": None, "url": None,
    }
    test = {
        "cache": {
            "reportedHits": 0, "reportedKeys": [], "reportedMisses": 0,
            "restores": [
                restore("Cache cargo registry", "actions/cache", "cargo-registry-Linux-", i, test_registry_out, 350 * MB, test_reg_ms),
                restore("Cache sccache", "actions/cache", "sccache-Linux-", i, "miss", None, 1_000, level=None),
            ],
            "saves": [
                save("Post Cache sccache", "actions/cache", "sccache-Linux-", i, "saved", 400 * MB, 4_000),
                save("Post Cache cargo registry", "actions/cache", "cargo-registry-Linux-", i, test_reg_save, 350 * MB, 1_000),
            ],
        },
        "completedAt": iso(start + datetime.timedelta(milliseconds=test_ms)),
        "conclusion": "success", "durationMs": test_ms, "hasLog": True, "name": "test",
        "partial": False, "source": f"run-{i}/test.log", "startedAt": iso(start),
        "steps": test_steps, "tests": None, "url": None,
    }
    # Tests: 5 in ledger-core, 3 in ledger-core::integration.
    lock_flaky = i in (3, 8, 14, 22, 29, 35)
    fetch_flaky = i in (10, 26)
    fetch_failed = i == 17
    clock_failed = 30 <= i <= 36
    failures, flaky_tests = [], []
    if clock_failed:
        failures.append({
            "attempts": 3, "cutBytes": 0, "details": None, "flaky": False,
            "message": "assertion failed: later >= earlier", "name": "clock::tests::monotonic_under_load",
            "outcome": "failed", "output": None, "suite": "ledger-core", "type": None,
        })
    if fetch_failed:
        failures.append({
            "attempts": 3, "cutBytes": 0, "details": None, "flaky": False,
            "message": "connection reset", "name": "network::fetches_rates",
            "outcome": "failed", "output": None, "suite": "ledger-core::integration", "type": None,
        })
    if lock_flaky:
        flaky_tests.append({"attempts": 2, "name": "sync::tests::lock_contention", "suite": "ledger-core"})
    if fetch_flaky:
        flaky_tests.append({"attempts": 3, "name": "network::fetches_rates", "suite": "ledger-core::integration"})
    core_failed = 1 if clock_failed else 0
    core_flaky = 1 if lock_flaky else 0
    int_failed = 1 if fetch_failed else 0
    int_flaky = 1 if fetch_flaky else 0
    slowest = [
        {"durationMs": 130 + i, "name": "round_trip_csv", "suite": "ledger-core::integration"},
        {"durationMs": 117, "name": "round_trip_json", "suite": "ledger-core::integration"},
        {"durationMs": 51, "name": "clock::tests::monotonic_under_load", "suite": "ledger-core"},
        {"durationMs": 44, "name": "network::fetches_rates", "suite": "ledger-core::integration"},
        {"durationMs": 17, "name": "sync::tests::lock_contention", "suite": "ledger-core"},
    ]
    tests = {
        "durationMs": 900, "errors": 0, "failed": core_failed + int_failed, "failures": failures,
        "files": [{"partial": False, "path": "target/nextest/ci/junit.xml", "tests": 8}],
        "flaky": core_flaky + int_flaky, "flakyTests": flaky_tests, "partial": False,
        "passed": 8 - core_failed - int_failed, "skipped": 0, "slowest": slowest,
        "source": "junit",
        "suites": [
            {"errors": 0, "failed": core_failed, "flaky": core_flaky, "name": "ledger-core",
             "passed": 5 - core_failed, "skipped": 0, "testTimeMs": 90, "total": 5},
            {"errors": 0, "failed": int_failed, "flaky": int_flaky, "name": "ledger-core::integration",
             "passed": 3 - int_failed, "skipped": 0, "testTimeMs": 300 + i, "total": 3},
        ],
        "testTimeMs": 390 + i, "total": 8, "unlistedFailures": 0,
    }
    restores = build["cache"]["restores"] + test["cache"]["restores"]
    saves = build["cache"]["saves"] + test["cache"]["saves"]
    exact = sum(r["outcome"] == "exact-hit" for r in restores)
    fallback = sum(r["outcome"] == "fallback-hit" for r in restores)
    misses = sum(r["outcome"] == "miss" for r in restores)
    saved = [s for s in saves if s["outcome"] == "saved"]
    return {
        "advice": [], "diagnostics": [], "jobs": [build, test], "partial": False,
        "run": {
            "ref": f"refs/heads/{branch}", "repository": "acme/ledger",
            "runAttempt": "1", "runId": str(5000 + i), "sha": sha(i), "workflow": "CI",
        },
        "schemaVersion": 1, "targets": [], "tests": tests,
        "totals": {
            "computeMs": build_ms + test_ms, "errors": 0,
            "exactHitRate": exact / len(restores), "exactHits": exact, "failedSaves": 0,
            "fallbackHits": fallback, "hitRate": (exact + fallback) / len(restores),
            "jobs": 2, "misses": misses, "restoreMsMax": max(r["durationMs"] for r in restores),
            "restoredBytes": sum(r["sizeBytes"] or 0 for r in restores if r["outcome"] != "miss"),
            "restores": len(restores), "saved": len(saved), "savedBytes": sum(s["sizeBytes"] for s in saved),
            "saves": len(saves), "skippedSaves": sum(s["outcome"] == "skipped" for s in saves),
            "unknown": 0, "wallMs": max(build_ms, test_ms),
        },
    }


def main():
    for i in range(1, 41):
        if i <= 36:
            start = START + datetime.timedelta(hours=13 * (i - 1))
            branch, after = "main", i >= 19
        else:
            start = datetime.datetime(2026, 11, 21, 10 + 2 * (i - 37), 0, 0, tzinfo=datetime.timezone.utc)
            branch, after = "feature/sccache", True
        document = run(i, start, branch, after)
        with open(os.path.join(HERE, f"run-{i:02d}.json"), "w") as f:
            json.dump(document, f, indent=2, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
