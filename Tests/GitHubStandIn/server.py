#!/usr/bin/env python3
"""A stand-in for the GitHub REST API on 127.0.0.1, for runlens's tests.

Starts two servers on ephemeral ports: the API, and a "log storage" host that the API's log
endpoint redirects to (302) and that fails any request carrying Authorization. Writes one JSON
object {"api": PORT, "storage": PORT} to the --ports file and serves until killed. Every request is appended to the
--requests file as a JSON line (method, host kind, path, whether Authorization was sent, never
its value).

Repositories (OWNER is ignored): widget answers normally; limited answers the first request
403 with x-ratelimit-remaining 0 (reset 1 s ahead); secondary answers the first request 429
with retry-after 1; flaky answers the first request of each path 500; stalled never answers;
forbidden answers 403 with x-accepted-github-permissions; gaps has
no log behind job 1002's redirect; fork refuses comment writes (403).
GraphQL's viewer (POST /graphql) is "LOGIN" for a token "user-LOGIN", an error for the token
"graphql-error", 403 for "graphql-forbidden", a rate limit the first time for "graphql-limited",
and github-actions[bot] (the workflow's token) for any other; comments are written by the
viewer. Pull requests 10 and 11 have a marked comment by another person.
Workflow ci.yml (id 8) lists SYNC_RUNS two a page (filtered by branch, status and
created>=DATE, as the API filters), for `history sync`; the jobs of run 303 always answer 500.
The token "rejected" gets 401 everywhere.
"""
import argparse
import gzip
import json
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

FIXTURES = None
REQUESTS = None
STATE = {"counts": {}, "comments": {}, "next_comment": 900}
LOCK = threading.Lock()
PORTS = {}


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as handle:
        return handle.read()


def step(number, name, start, end, conclusion="success", status="completed"):
    return {"name": name, "number": number, "status": status, "conclusion": conclusion,
            "started_at": start, "completed_at": end}


def job(job_id, name, status, conclusion, run_id, steps, start="2025-11-03T09:14:20Z",
        end="2025-11-03T09:16:00Z"):
    return {"id": job_id, "run_id": run_id, "name": name, "status": status,
            "conclusion": conclusion, "started_at": start,
            "completed_at": end if status == "completed" else None,
            "html_url": f"https://github.com/acme/widget/actions/runs/{run_id}/job/{job_id}",
            "steps": steps, "labels": ["ubuntu-latest"]}


# Logs by job id: (fixture file).
LOGS = {1001: "build.log", 1002: "test-pr.log", 9001: "test-main.log", 9101: "test-main.log",
        9201: "test-main.log", 9002: "build.log", 9102: "build.log", 9202: "build.log"}

# Runs of workflow ci.yml (id 8), newest first: id, branch, created_at, attempt, status.
SYNC_RUNS = [(305, "main", "2025-12-05T08:00:00Z", 1, "in_progress"),
             (304, "main", "2025-12-04T08:00:00Z", 1, "completed"),
             (303, "main", "2025-12-03T08:00:00Z", 1, "completed"),
             (302, "feature", "2025-12-02T08:00:00Z", 1, "completed"),
             (301, "main", "2025-12-01T08:00:00Z", 2, "completed"),
             (300, "main", "2025-11-20T08:00:00Z", 1, "completed")]
for _run in SYNC_RUNS:
    LOGS[_run[0] * 10 + 1] = "build.log"


def sync_run(entry):
    run_id, branch, created, attempt, status = entry
    return {"id": run_id, "name": "CI", "path": ".github/workflows/ci.yml", "workflow_id": 8,
            "head_branch": branch, "head_sha": f"{run_id:040x}", "event": "push",
            "status": status, "conclusion": "success" if status == "completed" else None,
            "run_attempt": attempt, "created_at": created,
            "html_url": f"https://github.com/acme/widget/actions/runs/{run_id}"}


def sync_runs(query):
    runs = [sync_run(entry) for entry in SYNC_RUNS]
    if "branch" in query:
        runs = [r for r in runs if r["head_branch"] == query["branch"][0]]
    if "status" in query:
        runs = [r for r in runs if r["status"] == query["status"][0]]
    created = query.get("created", [""])[0]
    if created.startswith(">="):
        runs = [r for r in runs if r["created_at"][:10] >= created[2:12]]
    return runs


def jobs_of(run_id):
    if run_id == 100:
        return [
            job(1001, "build", "completed", "success", 100,
                [step(1, "Set up job", "2025-11-03T09:14:20Z", "2025-11-03T09:14:22Z"),
                 step(2, "Run actions/cache@v4", "2025-11-03T09:14:22Z", "2025-11-03T09:14:30Z")]),
            job(1002, "test", "completed", "failure", 100,
                [step(1, "Set up job", "2025-12-08T10:22:46Z", "2025-12-08T10:22:48Z"),
                 step(2, "Run tests", "2025-12-08T10:22:48Z", "2025-12-08T10:23:11Z", "failure")],
                start="2025-12-08T10:22:46Z", end="2025-12-08T10:23:12Z"),
            job(1003, "report", "in_progress", None, 100,
                [step(1, "Set up job", "2025-12-08T10:24:00Z", "2025-12-08T10:24:02Z"),
                 step(2, "Restore cache", "2025-12-08T10:24:02Z", "2025-12-08T10:24:09Z"),
                 step(3, "runlens", "2025-12-08T10:24:09Z", None, None, "in_progress")],
                start="2025-12-08T10:24:00Z"),
            job(1004, "deploy", "queued", None, 100, [], start=None),
            job(1005, "lint", "completed", "cancelled", 100,
                [step(1, "Set up job", None, None, "cancelled", "completed")]),
        ]
    if any(run_id == entry[0] for entry in SYNC_RUNS):
        start, end = "2025-12-08T10:22:46Z", "2025-12-08T10:23:12Z"
        return [job(run_id * 10 + 1, "build", "completed", "success", run_id,
                    [step(1, "Set up job", start, "2025-12-08T10:22:48Z")], start=start, end=end)]
    if run_id == 110:
        # A list that repeats a job (no API should): its log is fetched once.
        build = job(1001, "build", "completed", "success", 110, [])
        return [build, build, dict(build), build]
    if run_id in (90, 91, 92):
        return [job(run_id * 100 + 2, "build", "completed", "success", run_id, []),
                job(run_id * 100 + 1, "test", "completed", "success", run_id,
                    [step(1, "Set up job", "2025-12-08T10:22:46Z", "2025-12-08T10:22:48Z")],
                    start="2025-12-08T10:22:46Z", end="2025-12-08T10:23:12Z")]
    return None


def run_object(run_id):
    created = {100: "2025-12-08T10:20:00Z", 110: "2025-12-08T10:20:00Z", 92: "2025-12-07T10:00:00Z",
               91: "2025-12-06T10:00:00Z", 90: "2025-12-05T10:00:00Z",
               89: "2025-12-08T09:00:00Z"}.get(run_id, "2025-12-01T00:00:00Z")
    done = run_id != 100
    return {"id": run_id, "name": "CI", "workflow_id": 7, "head_branch": "main" if done else "feature",
            "head_sha": (f"{run_id:x}" + "c0ffee") * 5, "event": "push" if done else "pull_request",
            "status": "completed" if done else "in_progress",
            "conclusion": ("failure" if run_id == 89 else "success") if done else None,
            "run_attempt": 1, "created_at": created,
            "html_url": f"https://github.com/acme/widget/actions/runs/{run_id}"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    kind = "api"

    def log_message(self, *args):
        pass

    def record(self):
        entry = {"host": self.kind, "method": self.command, "path": self.path,
                 "authorization": "Authorization" in self.headers,
                 "accept": self.headers.get("Accept"),
                 "version": self.headers.get("X-GitHub-Api-Version"),
                 "agent": self.headers.get("User-Agent")}
        with LOCK:
            with open(REQUESTS, "a") as handle:
                handle.write(json.dumps(entry) + "\n")

    def send(self, status, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if "Content-Type" not in (headers or {}):
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def author(self):
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        if token.startswith("user-"):
            return {"login": token.removeprefix("user-"), "type": "User"}
        return BOT

    def first_time(self, key):
        with LOCK:
            count = STATE["counts"].get(key, 0)
            STATE["counts"][key] = count + 1
        return count == 0

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_PATCH(self):
        self.handle_any()

    def handle_any(self):
        self.record()
        length = int(self.headers.get("Content-Length") or 0)
        payload = self.rfile.read(length) if length else b""
        if self.kind == "storage":
            return self.storage()
        return self.api(payload)

    def storage(self):
        if "Authorization" in self.headers:
            return self.send(400, b"<Error><Code>InvalidAuthenticationInfo</Code>"
                             b"<Message>Authorization sent to the storage host</Message></Error>",
                             {"Content-Type": "application/xml"})
        job_id = int(urlparse(self.path).path.rsplit("/", 1)[-1])
        if job_id in LOGS:
            return self.send(200, fixture(LOGS[job_id]), {"Content-Type": "text/plain"})
        return self.send(404, b"<Error><Code>BlobNotFound</Code></Error>",
                         {"Content-Type": "application/xml"})

    def api(self, payload):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        parts = url.path.strip("/").split("/")
        if self.headers.get("Authorization") == "Bearer rejected":
            return self.send(401, {"message": "Bad credentials"})
        if parts == ["graphql"] and self.command == "POST":
            if json.loads(payload).get("query") != "query { viewer { login } }":
                return self.send(200, {"errors": [{"message": "unexpected query"}]})
            token = self.headers.get("Authorization")
            if token == "Bearer graphql-error":
                return self.send(200, {"errors": [{"message": "Something went wrong"}]})
            if token == "Bearer graphql-forbidden":
                return self.send(403, {"message": "Resource not accessible by integration"})
            if token == "Bearer graphql-limited" and self.first_time("graphql-limited"):
                # GraphQL's primary rate limit: 200, an error of type RATE_LIMIT.
                return self.send(200, {"data": None, "errors": [
                    {"type": "RATE_LIMIT", "message": "API rate limit already exceeded"}]},
                    {"x-ratelimit-remaining": "0",
                     "x-ratelimit-reset": str(int(time.time()) + 1)})
            return self.send(200, {"data": {"viewer": {"login": self.author()["login"]}}})
        if len(parts) < 3 or parts[0] != "repos":
            return self.send(404, {"message": "Not Found"})
        repo = parts[2]
        rest = parts[3:]
        if repo == "stalled":
            time.sleep(30)
            return
        if repo == "limited" and self.first_time("limited"):
            return self.send(403, {"message": "API rate limit exceeded"},
                             {"x-ratelimit-remaining": "0",
                              "x-ratelimit-reset": str(int(time.time()) + 1)})
        if repo == "secondary" and self.first_time("secondary"):
            return self.send(429, {"message": "You have exceeded a secondary rate limit"},
                             {"retry-after": "1"})
        # Headers no server should send: each was a crash or a spin before runlens checked them.
        if repo == "retry-zero":
            return self.send(429, {"message": "slow down"}, {"retry-after": "0"})
        if repo == "retry-huge":
            return self.send(429, {"message": "slow down"},
                             {"retry-after": "99999999999999999999"})
        if repo == "reset-huge":
            return self.send(403, {"message": "API rate limit exceeded"},
                             {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1e300"})
        if repo == "loop":
            # A caches page whose next page is itself, forever.
            return self.send(200, {"total_count": 1, "actions_caches": []},
                             {"Link": f'<http://127.0.0.1:{PORTS["api"]}{self.path}>; rel="next"'})
        if repo == "endless":
            # Caches pages, each leading to one more, without end.
            match = re.search(r"[?&]page=(\d+)", self.path)
            page = int(match.group(1)) if match else 1
            return self.send(200, {"total_count": 1, "actions_caches": []},
                             {"Link": f'</repos/acme/endless/actions/caches?page={page + 1}>; rel="next"'})
        if repo == "link-escape":
            # Another host whose decoded name holds ESC and a line break.
            return self.send(200, {"total_count": 1, "actions_caches": []},
                             {"Link": '<https://evil%1B%5B31mX%0Ay.example/p>; rel="next"'})
        if repo == "link-empty":
            # `<>` is this page again (RFC 8288 resolves it against the request's URL).
            return self.send(200, {"total_count": 1, "actions_caches": []},
                             {"Link": '<>; rel="next"'})
        if repo == "link-away":
            # A next page on another host, which must not be sent the token.
            return self.send(200, {"total_count": 1, "actions_caches": []},
                             {"Link": f'<http://127.0.0.2:{PORTS["api"]}{self.path}>; rel="next"'})
        if repo == "bomb":
            # 65 MiB of JSON whitespace in 64 KiB of gzip: more than runlens takes from the API.
            return self.send(200, gzip.compress(b"[" + b" " * (65 << 20) + b"]", 1),
                             {"Content-Encoding": "gzip"})
        if repo == "flaky" and self.first_time("flaky " + self.path):
            return self.send(500, {"message": "Server Error"})
        if repo == "forbidden":
            return self.send(403, {"message": "Resource not accessible by integration"},
                             {"x-accepted-github-permissions": "actions=read"})
        base = f"http://127.0.0.1:{PORTS['api']}"
        # /repos/o/r/actions/runs/{id}[/jobs | /attempts/{n}/jobs]
        if rest[:2] == ["actions", "runs"] and len(rest) >= 3:
            run_id = int(rest[2])
            if run_id == 303 and len(rest) > 3:
                return self.send(500, {"message": "Server Error"})
            jobs = jobs_of(run_id)
            if jobs is None:
                return self.send(404, {"message": "Not Found"})
            if len(rest) == 3:
                return self.send(200, run_object(run_id))
            if rest[3:] == ["attempts", "1", "jobs"]:
                return self.send(200, {"total_count": len(jobs), "jobs": jobs})
            if rest[3:] == ["attempts", "2", "jobs"]:
                return self.send(200, {"total_count": 1, "jobs": jobs[:1]})
            if rest[3:] == ["jobs"]:
                page = int(query.get("page", ["1"])[0])
                if run_id != 100:
                    return self.send(200, {"total_count": len(jobs), "jobs": jobs})
                path = url.path
                if page == 1:
                    link = (f'<{base}{path}?filter=latest&per_page=100&page=2>; rel="next", '
                            f'<{base}{path}?filter=latest&per_page=100&page=2>; rel="last"')
                    return self.send(200, {"total_count": 5, "jobs": jobs[:2]}, {"Link": link})
                return self.send(200, {"total_count": 5, "jobs": jobs[2:]},
                                 {"Link": f'<{base}{path}?page=1>; rel="first"'})
        if rest[:2] == ["actions", "jobs"] and rest[3:] == ["logs"]:
            job_id = int(rest[2])
            if repo == "gaps" and job_id == 1002:
                job_id = 999  # a blob the storage host does not have
            location = (f"http://127.0.0.1:{PORTS['storage']}/signedlogcontent/{job_id}"
                        "?urlExpires=2099&urlSignature=abc")
            return self.send(302, b"", {"Location": location})
        if rest[:3] == ["actions", "workflows", "7"] and rest[3:] == ["runs"]:
            runs = [run_object(i) for i in (89, 92, 91, 90)]
            if query.get("status") == ["success"]:
                runs = [r for r in runs if r["conclusion"] == "success"]
            if query.get("branch") != ["main"]:
                runs = []
            return self.send(200, {"total_count": len(runs), "workflow_runs": runs})
        if rest[:2] == ["actions", "workflows"] and rest[2:] in (["ci.yml", "runs"], ["8", "runs"]):
            runs = sync_runs(query)
            page = int(query.get("page", ["1"])[0])
            headers = {}
            if page * 2 < len(runs):
                following = {k: v[0] for k, v in query.items() if k != "page"}
                following["page"] = str(page + 1)
                headers["Link"] = f'<{base}{url.path}?{urlencode(following)}>; rel="next"'
            return self.send(200, {"total_count": len(runs),
                                   "workflow_runs": runs[(page - 1) * 2:page * 2]}, headers)
        if rest == ["actions", "caches"]:
            page = int(query.get("page", ["1"])[0])
            entries = [
                {"id": 1, "ref": "refs/heads/main", "key": "cargo-main-a", "version": "v",
                 "size_in_bytes": 3_000_000_000, "created_at": "2025-12-01T00:00:00Z",
                 "last_accessed_at": "2025-12-08T00:00:00Z"},
                {"id": 2, "ref": "refs/pull/5/merge", "key": "cargo-pr-b", "version": "v",
                 "size_in_bytes": 2_000_000_000, "created_at": "2025-12-02T00:00:00Z",
                 "last_accessed_at": "2025-12-03T00:00:00Z"},
            ]
            if page == 1:
                return self.send(200, {"total_count": 2, "actions_caches": entries[:1]},
                                 {"Link": f'<{base}{url.path}?per_page=100&page=2>; rel="next"'})
            return self.send(200, {"total_count": 2, "actions_caches": entries[1:]})
        if rest[:1] == ["issues"] and rest[2:] == ["comments"]:
            number = int(rest[1])
            with LOCK:
                comments = STATE["comments"].setdefault((repo, number), initial_comments(number))
            if self.command == "GET":
                page = int(query.get("page", ["1"])[0])
                if page == 1 and len(comments) > 1:
                    return self.send(200, comments[:1],
                                     {"Link": f'<{base}{url.path}?per_page=100&page=2>; rel="next"'})
                return self.send(200, comments[1:] if page > 1 else comments)
            if self.command == "POST":
                if repo == "fork":
                    return self.send(403, {"message": "Resource not accessible by integration"},
                                     {"x-accepted-github-permissions": "issues=write; pull_requests=write"})
                body = json.loads(payload)["body"]
                with LOCK:
                    STATE["next_comment"] += 1
                    comment = {"id": STATE["next_comment"], "body": body, "user": self.author(),
                               "html_url": f"https://github.com/acme/{repo}/pull/{number}#issuecomment-{STATE['next_comment']}"}
                    comments.append(comment)
                return self.send(201, comment)
        if rest[:2] == ["issues", "comments"] and self.command == "PATCH":
            comment_id = int(rest[2])
            if comment_id == 88:  # deleted after the list was read
                return self.send(404, {"message": "Not Found"})
            if comment_id == 99:  # refused, as another author's comment would be
                return self.send(403, {"message": "Resource not accessible by integration"})
            with LOCK:
                for comments in STATE["comments"].values():
                    for comment in comments:
                        if comment["id"] == comment_id:
                            comment["body"] = json.loads(payload)["body"]
                            return self.send(200, comment)
            return self.send(404, {"message": "Not Found"})
        return self.send(404, {"message": "Not Found"})


BOT = {"login": "github-actions[bot]", "type": "Bot"}


def initial_comments(number):
    def comment(comment_id, body, user):
        return {"id": comment_id, "body": body, "user": user,
                "html_url": f"https://github.com/acme/widget/pull/{number}#issuecomment-{comment_id}"}
    person = {"login": "mallory", "type": "User"}
    first = comment(71, "Looks good to me", {"login": "octocat", "type": "User"})
    if number == 5:
        return [first, comment(77, "<!-- runlens:ci -->\nold report", BOT)]
    if number in (8, 9):
        return [first, comment(number * 11, "<!-- runlens:ci -->\nsomething", BOT)]
    if number == 10:
        # A person's comment that starts with the marker, older than runlens's own.
        return [first, comment(100, "<!-- runlens:ci -->\nmine now", person),
                comment(105, "<!-- runlens:ci -->\nold report", BOT)]
    if number == 11:
        return [first, comment(110, "<!-- runlens:ci -->\nquoted by hand", person)]
    if number == 12:
        # Another app's comment with the marker, runlens's from the workflow's token, and one
        # from the user "alice"'s.
        return [first, comment(118, "<!-- runlens:ci -->\nanother app", {"login": "renovate[bot]", "type": "Bot"}),
                comment(120, "<!-- runlens:ci -->\nfrom the app", BOT),
                comment(125, "<!-- runlens:ci -->\nfrom alice", {"login": "Alice", "type": "User"})]
    return [first]


class Storage(Handler):
    kind = "storage"


def watch_parent(parent):
    # The test process may die without stopping us: leave when it is gone.
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def main():
    global FIXTURES, REQUESTS
    # The test runner's threads block signals and a spawned child inherits the mask.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--requests", required=True)
    parser.add_argument("--ports", required=True)
    arguments = parser.parse_args()
    FIXTURES = arguments.fixtures
    REQUESTS = arguments.requests
    api = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    storage = ThreadingHTTPServer(("127.0.0.1", 0), Storage)
    api.daemon_threads = storage.daemon_threads = True
    PORTS["api"] = api.server_address[1]
    PORTS["storage"] = storage.server_address[1]
    threading.Thread(target=storage.serve_forever, daemon=True).start()
    with open(arguments.ports + ".tmp", "w") as handle:
        handle.write(json.dumps(PORTS))
    os.rename(arguments.ports + ".tmp", arguments.ports)
    api.serve_forever()


if __name__ == "__main__":
    main()
