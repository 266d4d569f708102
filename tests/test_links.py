"""`pipeline links` (pipeline/links.py) against a real HTTP server on 127.0.0.1 that the tests start
and stop: every kind of answer classified, retries and HEAD fallback, limits observed by the server,
the history of consecutive failures, and the step on a copy of the bundled release. No other host
is contacted, and no resolver is asked: host names go to a stand-in for the system resolver that
knows only loopback addresses (names under the reserved .invalid domain fail, as they would)."""

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from pipeline import links
from pipeline.links import Result, link_status, link_targets, retry_after
from pipeline.metadata import FOOTNOTES, LINK_STATUS
from pipeline.settings import LINKS
from pipeline.store import read_parquet, write_parquet

ROOT = Path(__file__).resolve().parent.parent
FAST = replace(LINKS, concurrency=4, per_host=2, timeout=0.5, retries=1, backoff=0.05, max_retry_after=2.0)
SLOW_SECONDS = 1.5          # the slow endpoint answers after this, well past FAST.timeout
WORK_SECONDS = 0.15         # the /work/ endpoints hold each request this long (to see concurrency)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.requests: Counter = Counter()       # (method, path) -> count
        self.agents: set[str] = set()
        self.in_flight = 0
        self.max_in_flight = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):   # keep the test output clean
        pass

    def do_HEAD(self):
        self.answer(body=False)

    def do_GET(self):
        self.answer(body=True)

    def answer(self, body: bool) -> None:
        srv: Server = self.server
        path = self.path.split("?")[0]
        with srv.lock:
            srv.requests[(self.command, self.path)] += 1
            seen = srv.requests[(self.command, self.path)] + srv.requests[
                ("GET" if self.command == "HEAD" else "HEAD", self.path)]
            srv.agents.add(self.headers.get("User-Agent", ""))
            srv.in_flight += 1
            srv.max_in_flight = max(srv.max_in_flight, srv.in_flight)
        try:
            self.route(path, seen, body)
        except (BrokenPipeError, ConnectionResetError):
            pass        # the client gave up (timeout): nothing to answer
        finally:
            with srv.lock:
                srv.in_flight -= 1

    def send(self, code: int, headers: dict | None = None, body: bool = True) -> None:
        self.send_response(code)
        payload = b"<html>ok</html>"
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if body:
            self.wfile.write(payload)

    def route(self, path: str, seen: int, body: bool) -> None:
        if path == "/ok" or path.startswith("/work/"):
            if path.startswith("/work/"):
                time.sleep(WORK_SECONDS)
            self.send(200, body=body)
        elif path == "/moved":
            self.send(301, {"Location": "/ok"}, body)
        elif path == "/loop-a":
            self.send(302, {"Location": "/loop-b"}, body)
        elif path == "/loop-b":
            self.send(302, {"Location": "/loop-a"}, body)
        elif path == "/gone":
            self.send(404, body=body)
        elif path == "/removed":
            self.send(410, body=body)
        elif path == "/busy":       # rate-limited on the first request, fine after the asked wait
            self.send(429, {"Retry-After": "1"}, body) if seen == 1 else self.send(200, body=body)
        elif path == "/busy-long":  # asks for a wait far beyond what the checker accepts
            self.send(429, {"Retry-After": "3600"}, body)
        elif path == "/flaky":      # a server error, then fine
            self.send(500, body=body) if seen == 1 else self.send(200, body=body)
        elif path == "/down":
            self.send(503, body=body)
        elif path == "/nohead":
            self.send(405, {"Allow": "GET"}, body) if self.command == "HEAD" else self.send(200, body=body)
        elif path == "/slow":
            time.sleep(SLOW_SECONDS)
            self.send(200, body=body)
        elif path == "/to-mail":
            self.send(302, {"Location": "mailto:info@example.invalid"}, body)
        else:
            self.send(404, body=body)


@pytest.fixture(autouse=True)
def local_resolver(monkeypatch):
    """Host lookups answered here: loopback addresses resolve, every name fails as unknown."""
    async def lookup(host: str, port: int) -> None:
        if host not in ("127.0.0.1", "::1"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    monkeypatch.setattr(links, "lookup_host", lookup)


@pytest.fixture
def server():
    srv = Server()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]     # nothing listens there once the socket is closed


def test_every_kind_of_answer_is_classified(server):
    b = server.base
    expected = {
        f"{b}/ok": ("ok", 200, 0),
        f"{b}/moved": ("redirected", 200, 1),
        f"{b}/loop-a": ("redirect_loop", 302, 2),
        f"{b}/gone": ("client_error", 404, 0),
        f"{b}/removed": ("client_error", 410, 0),
        f"{b}/busy": ("ok", 200, 0),
        f"{b}/busy-long": ("client_error", 429, 0),
        f"{b}/flaky": ("ok", 200, 0),
        f"{b}/down": ("server_error", 503, 0),
        f"{b}/nohead": ("ok", 200, 0),
        f"{b}/slow": ("timeout", None, 0),
        f"{b}/to-mail": ("not_http", 302, 1),
        f"http://127.0.0.1:{closed_port()}/": ("connection_error", None, 0),
        "https" + b.removeprefix("http") + "/ok": ("tls_error", None, 0),     # TLS to a plain-HTTP port
        "https://no-such-host.invalid/side": ("dns_error", None, 0),
        "file:///C:/Users/rapport.pdf": ("not_http", None, 0),
        "www.example.invalid/uden-skema": ("not_http", None, 0),
    }
    progress = []
    started = time.perf_counter()
    results = links.check_urls(list(expected), FAST, lambda done, total: progress.append((done, total)))
    took = time.perf_counter() - started
    got = {r.url: (r.status, r.http_status, r.redirects) for r in results}
    assert got == expected
    by = {r.url: r for r in results}
    # retries: once after the 429 (waiting the asked second), once after the 500 and the timeout
    assert by[f"{b}/busy"].attempts == 2 and took >= 1.0 and by[f"{b}/busy"].elapsed_ms < 900
    assert by[f"{b}/flaky"].attempts == 2 and by[f"{b}/down"].attempts == 2 and by[f"{b}/slow"].attempts == 2
    assert by[f"{b}/busy-long"].attempts == 1                  # not waiting an hour
    assert by[f"{b}/nohead"].method == "GET" and by[f"{b}/ok"].method == "HEAD"
    assert server.requests[("HEAD", "/nohead")] == 1 and server.requests[("GET", "/nohead")] == 1
    assert by[f"{b}/moved"].final_url == f"{b}/ok"
    assert "loop" in by[f"{b}/loop-a"].error and "404" in by[f"{b}/gone"].error
    assert by[f"{b}/ok"].error is None
    assert 2 * FAST.timeout * 1000 <= by[f"{b}/slow"].elapsed_ms < 2 * SLOW_SECONDS * 1000
    # bounded: the slow one twice at most 0.5 s plus backoff, the 429 one second; nothing waits an hour
    assert took < 10, took
    assert sum(server.requests.values()) <= 30
    assert progress[-1] == (len(expected), len(expected)) and len(progress) == len(expected)
    assert server.agents and all(a.startswith("bilag3-pipeline-linkcheck/") for a in server.agents)


def test_concurrency_limits_are_observed_by_the_server(server):
    urls = [f"{server.base}/work/{i}" for i in range(12)]
    results = links.check_urls(urls, replace(FAST, concurrency=8, per_host=3, timeout=5.0))
    assert {r.status for r in results} == {"ok"}
    assert server.max_in_flight == 3              # never more than per_host, and the limit was reached
    server.max_in_flight = 0
    results = links.check_urls(urls, replace(FAST, concurrency=2, per_host=8, timeout=5.0))
    assert {r.status for r in results} == {"ok"} and server.max_in_flight == 2   # the overall limit
    server.max_in_flight = 0
    links.check_urls(urls[:4], replace(FAST, concurrency=1, per_host=1, timeout=5.0))
    assert server.max_in_flight == 1


def test_retry_after_reads_seconds_and_dates():
    assert retry_after("7") == 7.0 and retry_after(None) is None and retry_after("soon") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)


def test_targets_are_distinct_urls_with_their_footnotes_and_initiatives():
    notes = pd.DataFrame({"number": [1, 2, 3, 4, 5], "initiative_id": [1, 1, 2, 3, None],
                          "url": ["https://a.dk/", " https://a.dk/", "https://b.dk/", None, "https://a.dk/"]})
    t = link_targets(notes)
    assert t["url"].tolist() == ["https://a.dk/", "https://b.dk/"]
    assert t["footnote_numbers"].tolist() == [[1, 2, 5], [3]] and t["initiative_ids"].tolist() == [[1], [2]]


def test_history_shows_since_when_a_link_fails():
    targets = pd.DataFrame({"url": ["https://a.dk/", "https://b.dk/"], "footnote_numbers": [[1], [2]],
                            "initiative_ids": [[1], [2]]})

    def check(day, a_status, b_status, previous):
        results = [Result("https://a.dk/", a_status, 200 if a_status == "ok" else 404),
                   Result("https://b.dk/", b_status, None)]
        return link_status(targets, results, f"2026-0{day}-01T00:00:00Z", previous)

    first = check(1, "ok", "dns_error", None)
    assert list(first.columns) == [f.name for f in LINK_STATUS]
    assert first["failing_since"].tolist()[1] == "2026-01-01T00:00:00Z" and pd.isna(first["failing_since"][0])
    second = check(2, "client_error", "dns_error", first)
    third = check(3, "client_error", "ok", second)
    a, b = third.iloc[0], third.iloc[1]
    assert a["failing_since"] == "2026-02-01T00:00:00Z" and a["consecutive_failures"] == 2
    assert a["last_ok_at"] == "2026-01-01T00:00:00Z" and a["previous_status"] == "client_error"
    assert pd.isna(b["failing_since"]) and b["consecutive_failures"] == 0 and b["last_ok_at"] == "2026-03-01T00:00:00Z"
    assert second.iloc[1]["failing_since"] == "2026-01-01T00:00:00Z" and second.iloc[1]["consecutive_failures"] == 2


# ---------------------------------------------------------------- the step on a copy of the bundled release


def test_links_step_on_the_bundled_release(bundled_run, tmp_path, server):
    """Every footnote URL pointed at the local server (most answering, some gone, some on a host that
    does not resolve): link_status written, broken links in the quality report with their initiatives,
    link health in report.html, the other files untouched; a second check keeps the history."""
    out = tmp_path / "processed"
    shutil.copytree(bundled_run, out)
    notes = read_parquet(out / "footnotes.parquet")
    urls = sorted(set(notes["url"].dropna()))
    gone, nowhere = set(urls[::10]), set(urls[5::10])

    def local(url):
        if pd.isna(url):
            return url
        i = urls.index(url)
        if url in gone:
            return f"{server.base}/gone?u={i}"
        if url in nowhere:
            return f"https://nowhere-{i}.invalid/"
        return f"{server.base}/ok?u={i}"

    notes["url"] = notes["url"].map(local)
    write_parquet(notes, out / "footnotes.parquet", FOOTNOTES)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    table = links.run(out, replace(FAST, concurrency=8, per_host=8))
    assert len(table) == len(urls)
    assert Counter(table["status"]) == {"ok": len(urls) - len(gone) - len(nowhere),
                                        "client_error": len(gone), "dns_error": len(nowhere)}
    written = pd.read_csv(out / "link_status.csv", encoding="utf-8-sig")
    assert len(written) == len(urls) and set(written["status"]) == {"ok", "client_error", "dns_error"}
    changed = {p.name for p in out.iterdir() if p.is_file() and before.get(p.name) != p.read_bytes()}
    assert changed == {"link_status.parquet", "link_status.csv", "quality_report.md", "quality_report.json",
                       "report.html"}
    quality = json.loads((out / "quality_report.json").read_text(encoding="utf-8"))
    broken = [i for i in quality["items"] if i["check"] == "broken_link"]
    cited = {u: set(notes.loc[notes["url"] == u, "initiative_id"].dropna().astype(int))
             for u in table.loc[table["status"] != "ok", "url"]}
    expected = sorted((iid, u) for u, ids in cited.items() for iid in ids)
    listed = sorted((i["initiative_id"], i["detail"].split(": ", 1)[1].split(" — ")[0]) for i in broken)
    assert listed == expected and len(expected) >= len(gone) + len(nowhere)
    assert all(i["name"] for i in broken) and quality["counts"]["broken_link"] == len(broken)
    # the other checks are as before
    old = json.loads(before["quality_report.json"])
    assert [i for i in quality["items"] if i["check"] != "broken_link"] == old["items"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="links"' in html and "client_error" in html and "dns_error" in html
    assert 'id="q-broken_link"' in html

    again = links.run(out, replace(FAST, concurrency=8, per_host=8))
    failing = again[again["status"] != "ok"]
    assert (failing["consecutive_failures"] == 2).all()
    assert (failing["failing_since"] == table.loc[table["status"] != "ok", "failing_since"].values).all()
    quality = json.loads((out / "quality_report.json").read_text(encoding="utf-8"))
    assert quality["counts"]["broken_link"] == len(broken)          # replaced, not added twice
    assert "2 checks" in next(i["detail"] for i in quality["items"] if i["check"] == "broken_link")


def test_cli_links_on_a_missing_release_is_one_line():
    result = subprocess.run([sys.executable, "-m", "pipeline", "links", "--out", "no/such/folder"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == ["error: no/such/folder/footnotes.parquet: missing; run the "
                                                  "pipeline (export) first"]


def test_link_health_per_section_counts_each_url_once_per_section():
    from pipeline.report_page import link_health
    initiatives = pd.DataFrame({"initiative_id": [1, 2, 3], "section": ["Børn", "Børn", "Ældre"]})
    footnotes = pd.DataFrame({"number": [1, 2, 3, 4, 5], "initiative_id": [1, 2, 3, 3, 1],
                              "url": ["https://a.dk/", "https://a.dk/", "https://a.dk/", "https://b.dk/",
                                      "https://c.dk/"]})
    status = pd.DataFrame({"url": ["https://a.dk/", "https://b.dk/"], "status": ["ok", "timeout"]})
    health = link_health(status, initiatives, footnotes).set_index("section")
    assert health.loc["Børn", ["urls", "ok", "timeout", "not_checked"]].tolist() == [2, 1, 0, 1]
    assert health.loc["Ældre", ["urls", "ok", "timeout", "not_checked"]].tolist() == [2, 1, 1, 0]
    assert health.iloc[-1][["urls", "ok", "timeout", "not_checked"]].tolist() == [3, 1, 1, 1]


def test_export_keeps_the_broken_links_of_the_last_check(bundled, tmp_path):
    """A re-export over a folder with link_status lists its broken links and shows the link health;
    URLs are matched by text, so the check need not be of this very export."""
    from pipeline import stages
    processed, interim = bundled
    out = tmp_path / "processed"
    shutil.copytree(processed, out)
    targets = link_targets(read_parquet(out / "footnotes.parquet"))
    results = [Result(u, "client_error", 404) if i % 7 == 0 else Result(u, "ok", 200)
               for i, u in enumerate(targets["url"])]
    table = link_status(targets, results, "2026-01-01T00:00:00Z")
    write_parquet(table, out / "link_status.parquet", LINK_STATUS, {"checked_at": "2026-01-01T00:00:00Z"})
    stages.export(interim, out, force=True)
    quality = json.loads((out / "quality_report.json").read_text(encoding="utf-8"))
    expected = sum(len(ids) for ids, s in zip(table["initiative_ids"], table["status"]) if s != "ok")
    assert quality["counts"]["broken_link"] == expected > 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Last check 2026-01-01T00:00:00Z" in html and "client_error" in html
    assert (out / "link_status.parquet").exists()           # export leaves the check's own files alone
