#!/usr/bin/env python3
"""Checks runlens's exports with the engines they are for.

Usage: check_exports.py RUNLENS_BINARY (run from the package root).

1. NDJSON: exports the history-3-weeks fixture, loads the tables with DuckDB's
   read_json_auto and checks that a SQL query of the weekly hit rates equals the series of
   `runlens history report --format json`, and that the restore counts equal the metrics'
   own totals.
2. OTLP/JSON: exports the same runs and parses the document as an
   opentelemetry.proto ExportTraceServiceRequest (protobuf's json_format), checking the span
   count, the CI/CD attributes and that a second export has the same ids.
3. --otlp-endpoint: posts to a collector stand-in on 127.0.0.1 and checks the request.
"""
import base64
import glob
import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import duckdb
from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

RUNLENS = os.path.abspath(sys.argv[1])
INPUTS = sorted(glob.glob("Fixtures/history-3-weeks/run-*.json"))

# The README's query: the history report's weekly hit rate from the NDJSON tables.
WEEKLY_SQL = """
SELECT isoyear(make_timestamp(r.startedAtMs * 1000)) || '-W'
         || lpad(CAST(week(make_timestamp(r.startedAtMs * 1000)) AS VARCHAR), 2, '0') AS week,
       count(DISTINCT x.runKey) AS runs,
       avg(CASE WHEN x.outcome IN ('exact-hit', 'fallback-hit') THEN 1.0 ELSE 0.0 END) AS hitRate,
       avg(CASE WHEN x.outcome = 'exact-hit' THEN 1.0 ELSE 0.0 END) AS exactHitRate
FROM read_json_auto('{dir}/restores.ndjson') AS x
JOIN read_json_auto('{dir}/runs.ndjson') AS r USING (runKey)
GROUP BY week
ORDER BY week
"""


def run(*arguments):
    return subprocess.run([RUNLENS, *arguments], check=True, capture_output=True, text=True).stdout


def check(condition, message):
    if not condition:
        sys.exit("check_exports: " + message)


def ndjson(folder):
    run("export", "--format", "ndjson", *INPUTS, "--output", folder)
    database = os.path.join(folder, "history.sqlite")
    subprocess.run([RUNLENS, "history", "add", "--db", database, *INPUTS], check=True,
                   capture_output=True)
    report = json.loads(run("history", "report", "--db", database, "--format", "json"))
    rows = duckdb.sql(WEEKLY_SQL.format(dir=folder)).fetchall()
    print("weekly hit rate from DuckDB:")
    for week, runs, hit, exact in rows:
        print(f"  {week}  runs {runs}  hitRate {hit:.4f}  exactHitRate {exact:.4f}")

    def series(metric):
        found = [s for s in report["series"] if s["metric"] == metric and s["scope"] == "all"]
        return [(p["period"], p["value"]) for p in found[0]["points"]]

    for column, metric in ((2, "hitRate"), (3, "exactHitRate")):
        ours = series(metric)
        check([p for p, _ in ours] == [r[0] for r in rows], f"{metric}: weeks differ")
        for (period, value), row in zip(ours, rows):
            check(abs(value - float(row[column])) < 1e-4,
                  f"{metric} {period}: runlens {value}, DuckDB {row[column]}")
    # Every table loads, and the restore counts equal the metrics documents' own totals.
    for table in ("runs", "jobs", "steps", "restores", "saves", "tests", "suites"):
        duckdb.sql(f"SELECT * FROM read_json_auto('{folder}/{table}.ndjson')").fetchall()
    totals = [json.load(open(path))["totals"] for path in INPUTS]
    outcome = dict(duckdb.sql(
        f"SELECT outcome, count(*) FROM read_json_auto('{folder}/restores.ndjson') GROUP BY outcome"
    ).fetchall())
    check(outcome.get("exact-hit") == sum(t["exactHits"] for t in totals), "exact hits differ")
    check(outcome.get("fallback-hit") == sum(t["fallbackHits"] for t in totals), "fallbacks differ")
    check(outcome.get("miss") == sum(t["misses"] for t in totals), "misses differ")
    per_run = duckdb.sql(
        f"SELECT runId, wallMs, computeMs FROM read_json_auto('{folder}/runs.ndjson') ORDER BY runId"
    ).fetchall()
    check([(r[1], r[2]) for r in per_run] == [(t["wallMs"], t["computeMs"]) for t in totals],
          "wall or compute times differ")
    print(f"ndjson: {len(INPUTS)} runs; DuckDB's weekly hit rates and totals equal runlens's")


def hex_ids_to_base64(document):
    """OTLP/JSON writes ids as hex; protobuf's JSON mapping reads bytes as base64."""
    for resource in document["resourceSpans"]:
        for scope in resource["scopeSpans"]:
            for span in scope["spans"]:
                for field in ("traceId", "spanId", "parentSpanId"):
                    if field in span:
                        span[field] = base64.b64encode(bytes.fromhex(span[field])).decode()
    return document


def otlp(folder):
    text = run("export", "--format", "otlp-json", *INPUTS)
    check(text == run("export", "--format", "otlp-json", *INPUTS), "a second export differs")
    request = json_format.Parse(json.dumps(hex_ids_to_base64(json.loads(text))),
                                ExportTraceServiceRequest())
    spans = [span for resource in request.resource_spans for scope in resource.scope_spans
             for span in scope.spans]
    documents = [json.load(open(path)) for path in INPUTS]
    expected = sum(1 + len(d["jobs"]) + sum(len(j["steps"]) for j in d["jobs"]) for d in documents)
    check(len(request.resource_spans) == len(INPUTS), "one trace a run")
    check(len(spans) == expected, f"{len(spans)} spans, expected {expected}")
    check(len({span.trace_id for span in spans}) == len(INPUTS), "one trace id a run")
    check(len({span.span_id for span in spans}) == len(spans), "span ids are unique")
    roots = [span for span in spans if not span.parent_span_id]
    check(len(roots) == len(INPUTS), "one root span a run")
    attributes = {a.key: a.value.string_value for a in roots[0].attributes}
    check(attributes.get("cicd.pipeline.name") == "CI", "cicd.pipeline.name")
    check(attributes.get("cicd.pipeline.run.id") == "5001", "cicd.pipeline.run.id")
    check(attributes.get("vcs.ref.head.name") == "main", "vcs.ref.head.name")
    check(len(attributes.get("vcs.ref.head.revision", "")) == 40, "vcs.ref.head.revision")
    jobs = [span for span in spans if span.parent_span_id == roots[0].span_id]
    check(sorted(span.name for span in jobs) == ["build", "test"], "job spans")
    job_attributes = {a.key: a.value.string_value for a in jobs[0].attributes}
    check(job_attributes.get("cicd.pipeline.task.run.result") == "success", "task result")
    events = [event for span in spans for event in span.events if event.name == "cache.restore"]
    check(len(events) == 4 * len(INPUTS), f"{len(events)} restore events")
    outcomes = {a.value.string_value for e in events for a in e.attributes
                if a.key == "runlens.cache.outcome"}
    check(outcomes == {"exact-hit", "fallback-hit", "miss"}, f"outcomes {outcomes}")
    print(f"otlp-json: parses as ExportTraceServiceRequest; {len(spans)} spans, "
          f"{len(events)} restore events, ids stable across exports")


def collector():
    """Posts to an OTLP/HTTP stand-in on 127.0.0.1 and checks what it received."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], body))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *arguments):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}"
        printed = run("export", "--format", "otlp-json", "--otlp-endpoint", endpoint, *INPUTS[:3])
        check(printed == "", "nothing on standard output when posting")
    finally:
        server.shutdown()
    check(len(received) == 1, f"{len(received)} posts")
    path, content_type, body = received[0]
    check(path == "/v1/traces", f"posted to {path}")
    check(content_type == "application/json", f"content type {content_type}")
    check(body.decode() == run("export", "--format", "otlp-json", *INPUTS[:3]), "posted body")
    print("otlp-endpoint: one POST of the same document to /v1/traces")


def main():
    with tempfile.TemporaryDirectory() as folder:
        ndjson(folder)
        otlp(folder)
        collector()


if __name__ == "__main__":
    main()
