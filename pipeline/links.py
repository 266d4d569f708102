"""Footnote links: which URLs are usable web addresses, and their health checked over HTTP.

    url_problem(url)                   -> why a URL cannot be used (None: it parses as a web address)
    has_working_link(initiatives, fn)  -> per initiative: one of its footnotes has a usable URL
    link_targets(footnotes)            -> url, footnote_numbers, initiative_ids (one row per URL)
    check_urls(urls, settings)         -> one result dict per URL (the network part, asyncio + httpx)
    link_status(targets, results, ...) -> the published table, with the history of the previous check
    run(out, settings)                 -> what `pipeline links` does: writes out/link_status.parquet/.csv
                                          and refreshes the quality report and report.html

The checker behaves as link checkers do (lychee, linkchecker): HEAD first and
GET where HEAD is refused, redirects followed by hand (counted, loops caught),
bounded concurrency overall and per host, a timeout per request, retries with
backoff after timeouts, 429 and 5xx (honouring Retry-After), a User-Agent that
says what is asking. Statuses: see LINK_STATUSES in pipeline/metadata.py.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
import socket
import ssl
import time
from collections import defaultdict
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin, urlparse, urlsplit

import pandas as pd

from . import __version__
from .errors import InputError
from .metadata import LINK_STATUS, LINK_OK, LINK_BROKEN
from .release import LINK_STATUS_CSV, LINK_STATUS_PARQUET
from .settings import LINKS, LinkSettings

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
Progress = Callable[[int, int], None]
LOCAL_PATH = re.compile(r"^(file:|\.\./|\.\\|[A-Za-z]:[\\/])|/Users/|\\Users\\", re.I)


# ---------------------------------------------------------------- usable URLs: pure


def url_problem(url: str | None) -> str | None:
    """Why a footnote URL cannot be used, or None when it parses as a web address."""
    if not url:
        return "no URL"
    if LOCAL_PATH.search(url):
        return "a local file path, not a web address"
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "no http(s) scheme and host"
    return None


def has_working_link(initiatives: pd.DataFrame, footnotes: pd.DataFrame) -> pd.Series:
    """Per initiative: at least one of its footnotes has an http(s) URL with a host."""
    usable = footnotes["url"].map(lambda u: url_problem(None if pd.isna(u) else str(u)) is None)
    linked = set(footnotes.loc[usable.astype(bool), "initiative_id"].dropna().astype(int))
    return initiatives["initiative_id"].map(lambda i: int(i) in linked).astype(bool)



# ---------------------------------------------------------------- targets: pure


def link_targets(footnotes: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct URL (surrounding space dropped), in order of first footnote:
    url, footnote_numbers (sorted), initiative_ids (sorted, distinct)."""
    numbers: dict[str, set[int]] = defaultdict(set)
    ids: dict[str, set[int]] = defaultdict(set)
    order: dict[str, int] = {}
    notes = footnotes.sort_values("number", kind="stable")
    for number, iid, url in zip(notes["number"], notes["initiative_id"], notes["url"]):
        if url is None or pd.isna(url) or not str(url).strip():
            continue
        url = str(url).strip()
        order.setdefault(url, len(order))
        if not pd.isna(number):
            numbers[url].add(int(number))
        if not pd.isna(iid):
            ids[url].add(int(iid))
    urls = sorted(order, key=order.get)
    return pd.DataFrame({"url": urls, "footnote_numbers": [sorted(numbers[u]) for u in urls],
                         "initiative_ids": [sorted(ids[u]) for u in urls]})


# ---------------------------------------------------------------- the checker: network


@dataclass
class Result:
    url: str
    status: str = "connection_error"
    http_status: int | None = None
    final_url: str | None = None
    redirects: int = 0
    method: str | None = None
    attempts: int = 0
    elapsed_ms: int = 0
    error: str | None = None
    seconds: float = 0.0     # time in requests, summed while checking


async def lookup_host(host: str, port: int) -> None:
    """Ask the system resolver for `host`; raises OSError when it does not resolve.
    (The tests put a stand-in here, so that they never query a resolver off this machine.)"""
    await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)


@dataclass
class _Limits:
    """Requests in flight: at most `concurrency` overall and `per_host` to one host."""
    settings: LinkSettings
    overall: asyncio.Semaphore = field(init=False)
    hosts: dict[str, asyncio.Semaphore] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.overall = asyncio.Semaphore(max(1, self.settings.concurrency))

    lookups: dict[tuple[str, int], asyncio.Task] = field(default_factory=dict)

    async def resolve(self, url: str) -> BaseException | None:
        """Look the URL's host up once per run (URLs share hosts); the error if it does not resolve."""
        parts = urlsplit(url)
        key = ((parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80))
        if key not in self.lookups:
            self.lookups[key] = asyncio.ensure_future(self._lookup(*key))
        return await asyncio.shield(self.lookups[key])

    async def _lookup(self, host: str, port: int) -> BaseException | None:
        async with self.overall:
            try:
                await asyncio.wait_for(lookup_host(host, port), self.settings.timeout)
            except asyncio.TimeoutError:
                return _Timeout(f"host name lookup of {host} took over {self.settings.timeout:g} s")
            except OSError as e:
                return e
        return None

    @asynccontextmanager
    async def slot(self, url: str):
        host = (urlsplit(url).hostname or "").lower()
        per_host = self.hosts.setdefault(host, asyncio.Semaphore(max(1, self.settings.per_host)))
        async with per_host:
            async with self.overall:
                yield


ANSWER = "bilag3_answer"


async def _keep_answer(response) -> None:
    """Response hook: keep the answer on its request, for when httpx fails after receiving it."""
    response.request.extensions[ANSWER] = response


class _Timeout(Exception):
    """The whole request took longer than the settings allow."""


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def classify_error(exc: BaseException) -> str:
    """A failed request's status: timeout, dns_error, tls_error, not_http or connection_error."""
    import httpx

    chain = list(_chain(exc))
    if any(isinstance(e, (_Timeout, httpx.TimeoutException, asyncio.TimeoutError)) for e in chain):
        return "timeout"
    if any(isinstance(e, socket.gaierror) for e in chain):
        return "dns_error"
    if any(isinstance(e, ssl.SSLError) for e in chain):
        return "tls_error"
    if any(isinstance(e, (httpx.UnsupportedProtocol, httpx.InvalidURL)) for e in chain):
        return "not_http"
    text = " ".join(str(e) for e in chain).lower()
    # some resolvers surface only as text ("Name or service not known", "nodename nor servname")
    if any(s in text for s in ("name or service not known", "nodename nor servname", "name resolution",
                               "no address associated", "getaddrinfo")):
        return "dns_error"
    if "ssl" in text or "certificate" in text:
        return "tls_error"
    return "connection_error"


def _error_text(exc: BaseException) -> str:
    parts = [f"{type(e).__name__}: {e}" if str(e) else type(e).__name__ for e in _chain(exc)]
    return parts[-1] if len(parts) == 1 else f"{parts[0]} ({parts[-1]})"


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or HTTP date), None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def status_of(code: int, redirects: int) -> str:
    if code >= 500:
        return "server_error"
    if code >= 400:
        return "client_error"
    return "redirected" if redirects else "ok"


async def _request(client, limits: _Limits, method: str, url: str, settings: LinkSettings):
    """One request (no body read), retried after timeouts, 429 and 5xx.
    Returns (response or exception, attempts, seconds spent in the requests themselves)."""
    import httpx

    attempts, spent = 0, 0.0
    while True:
        attempts += 1
        outcome: object
        request = None
        try:
            async with limits.slot(url):
                began = time.perf_counter()    # queueing for a slot is not the server's time
                request = client.build_request(method, url)
                try:
                    response = await asyncio.wait_for(client.send(request, stream=True), settings.timeout)
                except asyncio.TimeoutError:
                    raise _Timeout(f"no answer within {settings.timeout:g} s") from None
                await response.aclose()   # status and headers are all a link check needs
                outcome = response
        except httpx.InvalidURL as e:
            # httpx parses a redirect's Location even when not following it; a "mailto:" or
            # malformed target raises here, but the answer itself was kept by _keep_answer
            outcome = request.extensions.get(ANSWER, e) if request is not None else e
        except (httpx.HTTPError, _Timeout, OSError) as e:
            outcome = e
        if request is not None:
            spent += time.perf_counter() - began
        if attempts > settings.retries:
            return outcome, attempts, spent
        if isinstance(outcome, BaseException):
            if classify_error(outcome) != "timeout":
                return outcome, attempts, spent
            wait = settings.backoff * 2 ** (attempts - 1)
        elif outcome.status_code == 429 or outcome.status_code >= 500:
            asked = retry_after(outcome.headers.get("retry-after"))
            if asked is not None and asked > settings.max_retry_after:
                return outcome, attempts, spent   # asked to come back much later: report it as it is
            wait = asked if asked is not None else settings.backoff * 2 ** (attempts - 1)
        else:
            return outcome, attempts, spent
        await asyncio.sleep(wait)


async def _follow(client, limits: _Limits, url: str, method: str, settings: LinkSettings, result: Result) -> object:
    """Request `url`, following redirects by hand; fills result's redirect fields. Returns the last outcome."""
    seen, current = {url}, url
    result.redirects = 0
    while True:
        outcome, attempts, spent = await _request(client, limits, method, current, settings)
        result.attempts += attempts
        result.seconds += spent
        result.final_url, result.method = current, method
        if isinstance(outcome, BaseException) or outcome.status_code not in REDIRECT_CODES:
            return outcome
        location = outcome.headers.get("location")
        if not location:
            return outcome
        target = urljoin(current, location.strip())
        result.redirects += 1
        if target in seen or result.redirects > settings.max_redirects:
            result.final_url = target
            kind = "loop" if target in seen else f"more than {settings.max_redirects} redirects"
            return RedirectLoop(f"redirect {kind}: {current} -> {target}", outcome.status_code)
        if url_problem(target):
            result.final_url = target
            return NotHttp(f"redirected to {target}: {url_problem(target)}", outcome.status_code)
        seen.add(target)
        current = target
        if outcome.status_code == 303:
            method = "GET"


class RedirectLoop(Exception):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


class NotHttp(Exception):
    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code


async def check_one(client, limits: _Limits, url: str, settings: LinkSettings) -> Result:
    result = Result(url=url)
    problem = url_problem(url)
    if problem:
        result.status, result.error = "not_http", problem
        return result
    failed = await limits.resolve(url)
    if failed is not None:     # no request to a host that does not resolve
        result.status, result.error = classify_error(failed), _error_text(failed)
        return result
    outcome = await _follow(client, limits, url, "HEAD", settings, result)
    if not isinstance(outcome, BaseException) and outcome.status_code in settings.head_refused:
        outcome = await _follow(client, limits, url, "GET", settings, result)
    if isinstance(outcome, RedirectLoop):
        result.status, result.http_status, result.error = "redirect_loop", outcome.code, str(outcome)
    elif isinstance(outcome, NotHttp):
        result.status, result.http_status, result.error = "not_http", outcome.code, str(outcome)
    elif isinstance(outcome, BaseException):
        result.status, result.error = classify_error(outcome), _error_text(outcome)
    else:
        result.http_status = outcome.status_code
        result.status = status_of(outcome.status_code, result.redirects)
        if result.status not in LINK_OK:
            result.error = f"HTTP {outcome.status_code} {outcome.reason_phrase}".strip()
    result.elapsed_ms = round(result.seconds * 1000)
    return result


async def _check_all(urls: list[str], settings: LinkSettings, progress: Progress | None,
                     transport=None) -> list[Result]:
    import httpx

    headers = {"User-Agent": settings.user_agent.format(version=__version__), "Accept": "*/*"}
    # the client's own pool is sized to the overall limit; _Limits does the per-host part
    pool = httpx.Limits(max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency)
    timeout = httpx.Timeout(settings.timeout)
    done = 0

    async def one(url: str) -> Result:
        nonlocal done
        result = await check_one(client, limits, url, settings)
        done += 1
        if progress:
            progress(done, len(urls))
        return result

    async with httpx.AsyncClient(headers=headers, limits=pool, timeout=timeout, follow_redirects=False,
                                 transport=transport, trust_env=False,
                                 event_hooks={"response": [_keep_answer]}) as client:
        limits = _Limits(settings)
        return list(await asyncio.gather(*(one(u) for u in urls)))


def check_urls(urls: list[str], settings: LinkSettings = LINKS, progress: Progress | None = None) -> list[Result]:
    """Check every URL (each once); results in the order given."""
    if not urls:
        return []
    return asyncio.run(_check_all(list(urls), settings, progress))


# ---------------------------------------------------------------- the table and its history: pure


def utc_stamp(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def link_status(targets: pd.DataFrame, results: list[Result], checked_at: str,
                previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """The published table: targets joined with their results and the history the previous table gives.

    A failing link carries the checked_at of the first of its consecutive failed checks
    (failing_since) and how many there were; a link that answers carries neither."""
    by_url = {r.url: r for r in results}
    before = {}
    if previous is not None and len(previous):
        before = {str(r["url"]): r for r in previous.to_dict("records")}
    rows = []
    for t in targets.to_dict("records"):
        r = by_url[t["url"]]
        old = before.get(t["url"])
        ok = r.status in LINK_OK
        old_failures = int(old["consecutive_failures"]) if old is not None and not _na(old.get(
            "consecutive_failures")) else 0
        failures = 0 if ok else old_failures + 1
        since = None if ok else (old["failing_since"] if old_failures and not _na(old.get("failing_since"))
                                 else checked_at)
        last_ok = checked_at if ok else (None if old is None or _na(old.get("last_ok_at")) else old["last_ok_at"])
        rows.append({**t, "status": r.status, "http_status": r.http_status, "final_url": r.final_url,
                     "redirects": r.redirects, "method": r.method, "attempts": r.attempts,
                     "elapsed_ms": r.elapsed_ms, "error": r.error, "checked_at": checked_at,
                     "previous_status": None if old is None or _na(old.get("status")) else old["status"],
                     "failing_since": since, "consecutive_failures": failures, "last_ok_at": last_ok})
    df = pd.DataFrame(rows, columns=[f.name for f in LINK_STATUS])
    from .store import typed
    return typed(df, LINK_STATUS)


def _na(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def summary(status: pd.DataFrame) -> str:
    counts = status["status"].value_counts()
    broken = int(status["status"].isin(LINK_BROKEN).sum())
    parts = ", ".join(f"{k} {int(v)}" for k, v in counts.items())
    return f"{len(status)} URLs: {parts}; {broken} broken"


# ---------------------------------------------------------------- the step


def run(out: Path, settings: LinkSettings = LINKS, log: Callable[[str], None] = lambda _: None,
        progress: Progress | None = None, now: datetime | None = None) -> pd.DataFrame:
    """Check the footnote URLs of the release in `out`; write link_status and refresh the reports."""
    from . import quality_report
    from .report_page import write_report
    from .store import read_parquet, staged_dir, write_csv, write_parquet

    from .report_page import INPUTS

    out = Path(out)
    for name in ("footnotes.parquet", *INPUTS):   # all that the reports need, before any request
        if not (out / name).is_file():
            raise InputError(out / name, "missing; run the pipeline (export) first")
    footnotes = read_parquet(out / "footnotes.parquet")
    targets = link_targets(footnotes)
    checked_at = utc_stamp(now or datetime.now(timezone.utc))
    log(f"links: checking {len(targets)} distinct URLs of {len(footnotes)} footnotes "
        f"({settings.concurrency} at once, {settings.per_host} per host, {settings.timeout:g} s timeout)")
    started = time.perf_counter()
    results = check_urls(targets["url"].tolist(), settings, progress)
    previous = None
    previous_path = out / LINK_STATUS_PARQUET
    if previous_path.exists():
        try:
            previous = read_parquet(previous_path)
        except Exception as e:  # noqa: BLE001 - a damaged history must not stop a new check
            log(f"links: previous {previous_path} not readable ({e}); history starts again")
    table = link_status(targets, results, checked_at, previous)
    with staged_dir(out) as tmp:
        write_parquet(table, tmp / LINK_STATUS_PARQUET, LINK_STATUS, {"checked_at": checked_at})
        write_csv(table, tmp / LINK_STATUS_CSV, LINK_STATUS)
        quality_report.refresh_links(out, tmp, table)
    write_report(out)
    log(f"links: {summary(table)} in {time.perf_counter() - started:.1f}s; wrote {out / LINK_STATUS_PARQUET}")
    return table
