"""Replay a recorded run of the original pp-collector against this one.

A scenario folder (see ``shared/golden/README.md``) holds the inputs of one run of the
original program, every exchange it had with the data sources, and every request it sent to
Backdrop. ``replay_scenario`` serves those exchanges from a local threaded HTTP server, runs
the real CLI in a subprocess on the rendered inputs with the clock frozen, records what it
writes to Backdrop, and compares. The result is an ``Outcome`` whose ``report()`` says what
differed.

With several POSTs in flight (``--concurrency`` above 1) Backdrop may get a run's POSTs in
another order than they were started: each write is answered as the recorded write with its
body, and the writes are compared in the recorded order, provided none came earlier than
the window of POSTs in flight allows (``in_sent_order``). At concurrency 1 they are compared
as they came.

Developers can run it by hand::

    python -m tests.golden.replay SCENARIO_DIR_OR_NAME [...]
    python -m tests.golden.replay --all
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

GOLDEN_ENV = "PP_COLLECTOR_GOLDEN_DIR"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_GOLDEN_DIR = REPO_ROOT.parent / "shared" / "golden"
CLI_TIMEOUT_S = 120.0
PINGDOM_ENTRYPOINT = "performanceplatform.collector.pingdom"
BACKDROP_PREFIX = "/data/"
STDERR_TAIL_LINES = 30
DIFF_LINES = 40

# Paths that name the same endpoint: today's host on the left, the recorded one on the right.
PATH_ALIASES = (
    ("/analytics.googleapis.com/analytics/", "/www.googleapis.com/analytics/"),
    ("/oauth2.googleapis.com/token", "/accounts.google.com/o/oauth2/token"),
)

# Parameters pp-collector sends that the original did not, with the test that the recorded
# answer is still the answer to them. Matomo cuts a report at 100 rows per period unless
# ``filter_limit`` says otherwise; pp-collector asks for every row with ``filter_limit=-1``.
# A recorded answer with fewer than 100 rows in every period was not cut, so it is also
# Matomo's answer to the request with ``filter_limit=-1``.
MATOMO_DEFAULT_LIMIT = 100
ALL_ROWS = ("filter_limit", "-1")

OK_ANSWER = {"status": 200, "content_type": "application/json", "body": '{"status": "ok"}'}
NOT_RECORDED = {
    "status": 404, "content_type": "application/json",
    "body": '{"error": "the original program never sent this request"}',
}
STALE_AGAIN = {
    "status": 401, "content_type": "application/json",
    "body": '{"error": {"code": 401, "message": "Invalid Credentials (stale token reused)"}}',
}


# -- finding and loading scenarios ----------------------------------------------------------


def golden_dir() -> Path:
    """Where the recordings are: ``$PP_COLLECTOR_GOLDEN_DIR`` or ``<repo>/../shared/golden``."""
    configured = os.environ.get(GOLDEN_ENV)
    return Path(configured).resolve() if configured else DEFAULT_GOLDEN_DIR


def scenario_dirs(root: Path) -> list[Path]:
    """The scenario folders under ``root`` (those holding an ``args.json``), sorted by name."""
    if not root.is_dir():
        return []
    return sorted(path for path in root.iterdir() if (path / "args.json").is_file())


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Scenario:
    """One recorded run: its inputs, source exchanges and expected Backdrop writes."""

    folder: Path
    args: dict[str, Any]
    meta: dict[str, Any]
    exchanges: list[dict[str, Any]]
    expected: list[dict[str, Any]]

    @classmethod
    def load(cls, folder: Path) -> Scenario:
        folder = Path(folder)
        return cls(
            folder=folder,
            args=_read_json(folder / "args.json"),
            meta=_read_json(folder / "meta.json"),
            exchanges=_read_jsonl(folder / "exchanges.jsonl"),
            expected=_read_jsonl(folder / "expected.jsonl"),
        )

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def expected_exit_code(self) -> int:
        return int(self.meta.get("exit_code", 0))

    @property
    def merges_posts(self) -> bool:
        """Whether POSTs are compared as one concatenated list (Pingdom: the port chunks)."""
        return self.meta.get("entrypoint") == PINGDOM_ENTRYPOINT

    @property
    def backdrop_token(self) -> str:
        return _read_json(self.folder / "token.json")["token"]

    @property
    def stale_authorization(self) -> str | None:
        """``Bearer <expired access_token of storage.db>``, when the scenario has one."""
        storage = self.folder / "storage.db"
        if not storage.is_file():
            return None
        return "Bearer " + _read_json(storage)["access_token"]

    def template_names(self) -> list[str]:
        """The files to render into the scratch folder."""
        names = [n for n in ("query.json", "credentials.json", "token.json", "backdrop.json")
                 if (self.folder / n).is_file()]
        return names + list(self.args.get("files", []))


# -- rendering ------------------------------------------------------------------------------


def placeholders(port: int, work: Path) -> dict[str, str]:
    return {"{FAKE}": f"http://127.0.0.1:{port}", "{PORT}": str(port), "{WORK}": str(work)}


def render(text: str, values: dict[str, str]) -> str:
    """``text`` with every placeholder replaced."""
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def render_scenario(scenario: Scenario, work: Path, port: int) -> list[str]:
    """Render the templates into ``work``; the rendered argv."""
    values = placeholders(port, work)
    for name in scenario.template_names():
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        raw = (scenario.folder / name).read_bytes()
        for placeholder, value in values.items():
            raw = raw.replace(placeholder.encode(), value.encode())
        target.write_bytes(raw)
    return [render(arg, values) for arg in scenario.args["argv"]]


# -- the replay server ----------------------------------------------------------------------


def canonical_path(path: str) -> str:
    """The recorded spelling of ``path`` (today's Google hosts map to the recorded ones)."""
    for alias, recorded in PATH_ALIASES:
        if path.startswith(alias):
            return recorded + path[len(alias):]
    return path


def query_multiset(pairs: list[list[str]] | list[tuple[str, str]]) -> Counter[tuple[str, str]]:
    return Counter((name, value) for name, value in pairs)


@dataclass
class Write:
    """One request the program sent to Backdrop."""

    method: str
    path: str
    authorization: str | None
    body: Any
    gzip: bool
    error: str | None = None
    answered_as: int | None = None  # the recorded write whose answer it got
    same_body: bool = False          # ... because it has that write's body


@dataclass
class Unmatched:
    """A source request the recording has no (more) answer for."""

    method: str
    path: str
    query: list[tuple[str, str]]
    reason: str

    def __str__(self) -> str:
        query = "&".join(f"{name}={value}" for name, value in self.query)
        return f"{self.method} {self.path}{'?' + query if query else ''} ({self.reason})"


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class ReplayServer:
    """Serves a scenario's recorded answers on 127.0.0.1 and records the Backdrop writes."""

    def __init__(self, scenario: Scenario, posts_in_flight: int = 1):
        self.scenario = scenario
        self.posts_in_flight = posts_in_flight
        self.stale = scenario.stale_authorization
        self.used: list[int] = []
        self.writes: list[Write] = []
        self.unmatched: list[Unmatched] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._values: dict[str, str] = {}

    # life cycle

    def start(self) -> int:
        """Start serving in a thread; the port."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        port = self._server.server_address[1]
        self._values = {k: v for k, v in placeholders(port, Path()).items() if k != "{WORK}"}
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return port

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> ReplayServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "the server is not running"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # answering

    def answer(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """The answer to one request (called by the handler thread)."""
        split = urlsplit(target)
        path = unquote(split.path)
        if method in ("POST", "PUT") and path.startswith(BACKDROP_PREFIX):
            return self._answer_backdrop(method, path, headers, body)
        query = parse_qsl(split.query, keep_blank_values=True)
        return self._answer_source(method, path, query, headers.get("authorization"))

    def _answer_backdrop(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        write = _parse_write(method, path, headers, body)
        expected = self.scenario.expected
        with self._lock:
            self.writes.append(write)
            answered = {w.answered_as for w in self.writes}
            free = [i for i in range(len(expected)) if i not in answered]
            # the recorded write with this body (POSTs in flight may come in another order);
            # else, one at a time, the next one not yet answered (a body that differs: a
            # failure to report), and with POSTs in flight a plain OK (a chunk sent while the
            # one the recording ends with was failing; see ``in_sent_order``)
            same = [i for i in free if _same_write(expected[i], write)]
            write.same_body = bool(same)
            fallback = free if self.posts_in_flight == 1 else []
            write.answered_as = (same or fallback or [None])[0]
        response = OK_ANSWER if write.answered_as is None else \
            expected[write.answered_as]["response"]
        return self._to_answer(response)

    def _answer_source(
        self, method: str, path: str, query: list[tuple[str, str]], authorization: str | None
    ) -> Answer:
        wanted_path, wanted_query = canonical_path(path), query_multiset(query)
        with self._lock:
            for exchange in self.scenario.exchanges:
                if self._matches(exchange, method, wanted_path, wanted_query, authorization):
                    self.used.append(exchange["seq"])
                    return self._to_answer(exchange["response"])
            stale = self.stale is not None and authorization == self.stale
            reason = "stale access token sent again" if stale else "not recorded"
            hint = self._nearest(method, wanted_path, wanted_query, stale)
            self.unmatched.append(Unmatched(method, path, query, reason + hint))
        return self._to_answer(STALE_AGAIN if stale else NOT_RECORDED)

    def _matches(
        self, exchange: dict[str, Any], method: str, path: str,
        query: Counter[tuple[str, str]], authorization: str | None,
    ) -> bool:
        request = exchange["request"]
        if exchange["seq"] in self.used or request["method"] != method:
            return False
        if canonical_path(request["path"]) != path:
            return False
        if "form" not in request and not _same_query(exchange, query):
            return False
        is_stale = self.stale is not None and authorization == self.stale
        return bool(exchange.get("stale_token_probe")) == is_stale

    def _nearest(
        self, method: str, path: str, query: Counter[tuple[str, str]], stale: bool
    ) -> str:
        """How the closest unused exchange on the same path differs (empty: none there)."""
        candidates = [ex for ex in self.scenario.exchanges if ex["seq"] not in self.used
                      and canonical_path(ex["request"]["path"]) == path]
        if not candidates:
            return ""

        def distance(exchange: dict[str, Any]) -> tuple[int, bool]:
            recorded = query_multiset(exchange["request"]["query"])
            probe_mismatch = bool(exchange.get("stale_token_probe")) != stale
            return sum(((recorded - query) + (query - recorded)).values()), probe_mismatch

        nearest = min(candidates, key=distance)
        request = nearest["request"]
        recorded = query_multiset(request["query"])
        notes = [] if request["method"] == method else [f"recorded method {request['method']}"]
        if missing := recorded - query:
            notes.append("missing " + _pairs(missing))
        if extra := query - recorded:
            notes.append("not recorded " + _pairs(extra))
        return f"; closest recorded #{nearest['seq']}: " + (
            ", ".join(notes) or "differs only in the access token (stale-token probe rule)")

    def _to_answer(self, response: dict[str, Any]) -> Answer:
        if "body_file" in response:
            body = (self.scenario.folder / response["body_file"]).read_bytes()
        else:
            body = render(response.get("body") or "", self._values).encode("utf-8")
        return Answer(response["status"], response.get("content_type", "text/plain"), body,
                      dict(response.get("headers", {})))

    # after the run

    def unused(self) -> list[dict[str, Any]]:
        """Recorded exchanges never asked for (stale-token probes excepted)."""
        return [ex for ex in self.scenario.exchanges
                if ex["seq"] not in self.used and not ex.get("stale_token_probe")]


def _same_query(exchange: dict[str, Any], query: Counter[tuple[str, str]]) -> bool:
    """Whether ``query`` asks what the exchange's recorded query asked (see ``ALL_ROWS``)."""
    recorded = query_multiset(exchange["request"]["query"])
    if query == recorded:
        return True
    extra = query - recorded
    return (not recorded - query and extra == Counter([ALL_ROWS])
            and exchange.get("route") == "piwik" and _never_cut(exchange["response"]))


def _never_cut(response: dict[str, Any]) -> bool:
    """Whether a recorded Matomo answer holds fewer rows than its default limit everywhere."""
    try:
        answer = json.loads(response.get("body") or "")
    except ValueError:
        return False
    tables = answer.values() if isinstance(answer, dict) else [answer]
    return all(not isinstance(rows, list) or len(rows) < MATOMO_DEFAULT_LIMIT
               for rows in tables)


def _pairs(pairs: Counter[tuple[str, str]]) -> str:
    return "&".join(f"{name}={value}" for name, value in sorted(pairs.elements()))


def _same_write(recorded: dict[str, Any], write: Write) -> bool:
    return (recorded["method"], recorded["path"]) == (write.method, write.path) and \
        write.error is None and canonical(recorded["body"]) == canonical(write.body)


def in_sent_order(writes: list[Write], window: int, failed_write: bool = False
                  ) -> tuple[list[Write], list[str]]:
    """The writes in the order the program started them, and problems with their order.

    With ``window`` POSTs in flight Backdrop may get them in another order, but when it
    gets one, at most ``window - 1`` earlier ones are still to come. When every write has the
    body of
    a recorded one, they are put back in the recorded order (and checked against the window);
    otherwise they are left as they came, for the comparison to report. When the recorded
    run ended on a refused write (``failed_write``), up to ``window - 1`` writes the
    recording does not have are left out: they were in flight when that write failed (the
    run says they were written)."""
    if window <= 1:
        return writes, []
    extra = [w for w in writes if not w.same_body]
    if failed_write and 0 < len(extra) < window:
        writes = [w for w in writes if w.same_body]
    if not all(w.same_body for w in writes):
        return writes, []
    problems: list[str] = []
    seen: set[int] = set()
    for write in writes:
        index = write.answered_as
        assert index is not None
        seen.add(index)
        earlier = [i + 1 for i in range(index) if i not in seen]
        if len(earlier) >= window and not problems:
            problems.append(f"Backdrop request {index + 1} came before requests {earlier} "
                            f"were answered: more than {window} POSTs in flight")
    return sorted(writes, key=lambda w: w.answered_as or 0), problems


def _parse_write(method: str, path: str, headers: dict[str, str], body: bytes) -> Write:
    """A Backdrop request as a ``Write``: the body gunzipped and parsed."""
    zipped = "gzip" in headers.get("content-encoding", "").lower()
    try:
        raw = gzip.decompress(body) if zipped else body
        parsed = json.loads(raw.decode("utf-8")) if raw else None
        return Write(method, path, headers.get("authorization"), parsed, zipped)
    except (OSError, ValueError) as error:
        return Write(method, path, headers.get("authorization"), None, zipped,
                     error=f"unreadable body: {error!r}")


def _read_chunked(stream: Any) -> bytes:
    """A ``Transfer-Encoding: chunked`` body."""
    parts = []
    while True:
        size = int(stream.readline().split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while stream.readline() not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(parts)
        parts.append(stream.read(size))
        stream.readline()


def _handler_for(replay: ReplayServer) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to ``replay``."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # no 40 ms delayed-ACK stall per answer

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the outcome reports what matters."""

        def _body(self) -> bytes:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                return _read_chunked(self.rfile)
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _serve(self) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                answer = replay.answer(self.command, self.path, headers, self._body())
            except Exception as error:  # the run must see a failure, not a hang
                reason = f"replay server error: {error!r}"
                replay.unmatched.append(Unmatched(self.command, self.path, [], reason))
                answer = Answer(500, "text/plain", reason.encode())
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    return Handler


# -- running the CLI ------------------------------------------------------------------------


@dataclass
class CliResult:
    returncode: int | None
    stdout: str
    stderr: str
    timed_out: bool = False
    timeout: float = CLI_TIMEOUT_S


def cli_env(scenario: Scenario, port: int, work: Path, concurrency: int | None = None
            ) -> dict[str, str]:
    """The environment of the run: frozen clock, built-in URLs sent to the server, no waits;
    ``concurrency``: units fetched at once (``PP_COLLECTOR_CONCURRENCY``), when given."""
    env = dict(os.environ)
    # PP_COLLECTOR_DEPARTMENTS too: the runs use the department table the package ships,
    # as the original used the one it had built in
    for name in ("DISABLE_COLLECTORS", "PP_COLLECTOR_TIMEOUT", "PP_COLLECTOR_DEPARTMENTS"):
        env.pop(name, None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update({
        "PP_COLLECTOR_NOW": scenario.args["now"],
        "PP_COLLECTOR_SANDBOX_URL": f"http://127.0.0.1:{port}",
        "PP_COLLECTOR_BACKOFF_SCALE": "0",
        "TZ": "UTC",
        # the recordings are the original's GETs with token_auth in the URL; pp-collector
        # sends it in a POST body unless told otherwise (see collector/piwik/README.rst)
        "PP_COLLECTOR_PIWIK_TOKEN_IN_URL": "1",
    })
    if concurrency is not None:
        env["PP_COLLECTOR_CONCURRENCY"] = str(concurrency)
    values = placeholders(port, work)
    env.update({name: render(str(v), values) for name, v in scenario.args.get("env", {}).items()})
    return env


def run_cli(argv: list[str], env: dict[str, str], work: Path,
            timeout: float = CLI_TIMEOUT_S) -> CliResult:
    """Run ``python -m performanceplatform.collector ARGV --console-logging`` in ``work``."""
    command = [sys.executable, "-m", "performanceplatform.collector", *argv, "--console-logging"]
    try:
        done = subprocess.run(
            command, cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True,
            text=True, errors="replace", timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired as expired:
        return CliResult(None, _text(expired.stdout), _text(expired.stderr), True, timeout)
    return CliResult(done.returncode, done.stdout, done.stderr)


def _text(value: str | bytes | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or ""


# -- comparing ------------------------------------------------------------------------------


def canonical(value: Any) -> str:
    """JSON text that is equal for equal values with equal types (``1`` differs from ``1.0``)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@dataclass
class WriteView:
    """What is compared of one Backdrop request."""

    method: str
    path: str
    auth_ok: bool
    body: Any

    def head(self) -> str:
        auth = "recorded token" if self.auth_ok else "WRONG token"
        return f"{self.method} {self.path} ({auth})"


def expected_views(scenario: Scenario) -> list[WriteView]:
    return [WriteView(e["method"], e["path"], bool(e["auth_ok"]), e["body"])
            for e in scenario.expected]


def actual_views(writes: list[Write], token: str) -> list[WriteView]:
    return [WriteView(w.method, w.path, w.authorization == f"Bearer {token}",
                      {"<unreadable body>": w.error} if w.error else w.body)
            for w in writes]


def merge_posts(views: list[WriteView]) -> list[WriteView]:
    """Consecutive POSTs of lists to the same data set, with the same auth, as one."""
    merged: list[WriteView] = []
    for view in views:
        last = merged[-1] if merged else None
        if (last and view.method == last.method == "POST" and view.path == last.path
                and view.auth_ok == last.auth_ok
                and isinstance(view.body, list) and isinstance(last.body, list)):
            last.body = last.body + view.body
        else:
            merged.append(WriteView(view.method, view.path, view.auth_ok, view.body))
    return merged


def records_of(views: list[WriteView]) -> list[str]:
    """Every record posted, canonical, in order (a non-list body counts as one record)."""
    records: list[str] = []
    for view in views:
        if view.method != "POST":
            continue
        body = view.body if isinstance(view.body, list) else [view.body]
        records.extend(canonical(record) for record in body)
    return records


def short_diff(expected: Any, actual: Any, limit: int = DIFF_LINES) -> str:
    """A unified diff of two JSON values, pretty-printed, cut to ``limit`` lines."""
    def lines(value: Any) -> list[str]:
        return json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False).splitlines()

    diff = list(difflib.unified_diff(lines(expected), lines(actual), "expected", "actual",
                                     n=2, lineterm=""))
    if len(diff) > limit:
        diff = diff[:limit] + [f"... ({len(diff) - limit} more diff lines)"]
    return "\n".join(diff)


def describe_body_difference(expected: Any, actual: Any) -> str:
    """Where two bodies differ: the first differing record and a short diff."""
    if not (isinstance(expected, list) and isinstance(actual, list)):
        return short_diff(expected, actual)
    notes = []
    if len(expected) != len(actual):
        notes.append(f"{len(expected)} records expected, {len(actual)} sent")
    for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
        if canonical(want) != canonical(got):
            notes.append(f"first differing record: #{index}\n{short_diff(want, got)}")
            break
    else:  # every shared position is equal: one list is longer
        shorter, longer = (expected, actual) if len(expected) < len(actual) else (actual, expected)
        extra = longer[len(shorter)]
        side = "missing" if longer is expected else "unexpected"
        notes.append(f"first {side} record: #{len(shorter)}\n"
                     + json.dumps(extra, sort_keys=True, ensure_ascii=False))
    return "\n".join(notes)


def describe_order(expected: list[WriteView], actual: list[WriteView]) -> str:
    """Whether the posted records are the same as a multiset: tells order bugs from data bugs."""
    want, got = records_of(expected), records_of(actual)
    if want == got:
        return "posted records: same records in the same order"
    if Counter(want) == Counter(got):
        return ("posted records: SAME RECORDS, DIFFERENT ORDER (the README's weaker pass; "
                "this test requires the recorded order)")
    missing = Counter(want) - Counter(got)
    extra = Counter(got) - Counter(want)
    lines = [f"posted records differ as a multiset too: {sum(missing.values())} expected "
             f"records not sent, {sum(extra.values())} sent records not expected"]
    lines += [f"  not sent: {record}" for record in list(missing)[:2]]
    lines += [f"  not expected: {record}" for record in list(extra)[:2]]
    return "\n".join(_clip(line) for line in lines)


def _clip(line: str, width: int = 400) -> str:
    return line if len(line) <= width else line[:width] + "..."


def compare_writes(expected: list[WriteView], actual: list[WriteView]) -> list[str]:
    """Problems with the Backdrop writes, compared request by request (empty: the same)."""
    problems = []
    if len(expected) != len(actual):
        problems.append(_clip(
            f"{len(expected)} Backdrop requests expected, {len(actual)} sent: expected "
            f"{[v.head() for v in expected]}, sent {[v.head() for v in actual]}", 1000))
    for index, (want, got) in enumerate(zip(expected, actual, strict=False), start=1):
        if want.head() != got.head():
            problems.append(f"Backdrop request {index}: expected {want.head()}, sent {got.head()}")
            break
        if canonical(want.body) != canonical(got.body):
            problems.append(f"Backdrop request {index} ({want.head()}): body differs\n"
                            + describe_body_difference(want.body, got.body))
            break
    if problems and records_of(actual):
        problems.insert(0, describe_order(expected, actual))
    return problems


def check_exit(expected_code: int, cli: CliResult) -> list[str]:
    if cli.timed_out:
        return [f"the CLI did not finish within {cli.timeout:g} s"]
    if (cli.returncode == 0) != (expected_code == 0):
        wanted = "0" if expected_code == 0 else f"non-zero (the original exited {expected_code})"
        return [f"exit status {cli.returncode}, expected {wanted}"]
    return []


def describe_exchange(exchange: dict[str, Any]) -> str:
    request = exchange["request"]
    query = "&".join(f"{name}={value}" for name, value in request["query"])
    return (f"#{exchange['seq']} {exchange.get('route', '?')}: {request['method']} "
            f"{request['path']}{'?' + query if query else ''}")


def _capped(lines: list[str], limit: int = 8) -> list[str]:
    """At most ``limit`` lines, then a count of the rest."""
    if len(lines) <= limit:
        return [_clip(line) for line in lines]
    return [_clip(line) for line in lines[:limit]] + [f"... and {len(lines) - limit} more"]


@dataclass
class Outcome:
    """The result of replaying one scenario."""

    scenario: Scenario
    cli: CliResult
    writes: list[Write]
    unmatched: list[Unmatched]
    unused: list[dict[str, Any]]
    problems: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems

    def report(self) -> str:
        """A readable account of what differed, for an assertion message or a terminal."""
        if self.passed:
            return f"{self.scenario.name}: PASS"
        lines = [f"{self.scenario.name}: FAIL ({self.scenario.meta.get('description', '')})"]
        lines += ["- " + problem.replace("\n", "\n    ") for problem in self.problems]
        tail = self.cli.stderr.splitlines()[-STDERR_TAIL_LINES:]
        lines.append(f"CLI exit status: {self.cli.returncode}; stderr (last {len(tail)} lines):")
        lines += [f"  | {_clip(line)}" for line in tail] or ["  | (empty)"]
        return "\n".join(lines)


def not_reached(unused: list[dict[str, Any]], used: Any) -> list[dict[str, Any]]:
    """The unused exchanges of a run that failed as recorded, less those it never reached.

    The original fetched every period before its first write; pp-collector writes period by
    period and stops at the first failure, so a run that fails as the original did may not
    ask for the exchanges recorded after the last one it asked for. Those are fine; an
    exchange skipped before that point is still a difference."""
    last = max(used, default=-1)
    return [ex for ex in unused if ex["seq"] < last]


def evaluate(scenario: Scenario, server: ReplayServer, cli: CliResult,
             posts_in_flight: int = 1) -> Outcome:
    """Check the run: exit status, Backdrop writes (in the order they were started, with
    ``posts_in_flight`` at once), unmatched and unused exchanges."""
    problems = check_exit(scenario.expected_exit_code, cli)
    want = expected_views(scenario)
    failed_write = bool(scenario.expected) and scenario.expected_exit_code != 0 and \
        not 200 <= scenario.expected[-1]["response"]["status"] < 300
    writes, problems_of_order = in_sent_order(list(server.writes), posts_in_flight,
                                              failed_write)
    problems += problems_of_order
    got = actual_views(writes, scenario.backdrop_token)
    if scenario.merges_posts:
        want, got = merge_posts(want), merge_posts(got)
    problems += compare_writes(want, got)
    problems += _capped([f"unmatched request: {request}" for request in server.unmatched])
    unused = server.unused()
    if scenario.expected_exit_code and cli.returncode == scenario.expected_exit_code:
        unused = not_reached(unused, server.used)
    problems += _capped([f"recorded exchange never requested: {describe_exchange(ex)}"
                         for ex in unused])
    return Outcome(scenario, cli, list(server.writes), list(server.unmatched), unused, problems)


def replay_scenario(folder: Path, work: Path, timeout: float = CLI_TIMEOUT_S,
                    concurrency: int | None = None) -> Outcome:
    """Replay the scenario in ``folder``, rendering its inputs into the empty folder ``work``
    (``concurrency``: the units the run fetches at once; the pipeline's default if None)."""
    scenario = Scenario.load(folder)
    work = Path(work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    window = posts_in_flight(concurrency)
    with ReplayServer(scenario, window) as server:
        argv = render_scenario(scenario, work, server.port)
        cli = run_cli(argv, cli_env(scenario, server.port, work, concurrency), work, timeout)
    return evaluate(scenario, server, cli, window)


def posts_in_flight(concurrency: int | None) -> int:
    """The POSTs a run has in flight at ``concurrency`` (``pipeline.settings``)."""
    from performanceplatform.pipeline.settings import (
        DEFAULT_CONCURRENCY,
        MAX_POSTS_IN_FLIGHT,
    )

    return min(concurrency or DEFAULT_CONCURRENCY, MAX_POSTS_IN_FLIGHT)


# -- command line ---------------------------------------------------------------------------


def _resolve(name: str) -> Path:
    path = Path(name)
    return path if path.is_dir() else golden_dir() / name


def main(argv: list[str] | None = None) -> int:
    """Replay scenarios given by folder or name; print PASS/FAIL and the differences."""
    parser = argparse.ArgumentParser(prog="python -m tests.golden.replay", description=main.__doc__)
    parser.add_argument("scenarios", nargs="*", help="scenario folders, or names under the "
                        f"golden folder (${GOLDEN_ENV} or {DEFAULT_GOLDEN_DIR})")
    parser.add_argument("--all", action="store_true", help="replay every scenario")
    parser.add_argument("--concurrency", type=int, default=None,
                        help="units each run fetches at once (default: the pipeline's)")
    args = parser.parse_args(argv)
    folders = scenario_dirs(golden_dir()) if args.all else [_resolve(n) for n in args.scenarios]
    if not folders:
        parser.error("name at least one scenario, or --all")
    failed = 0
    for folder in folders:
        with tempfile.TemporaryDirectory(prefix="pp-golden-") as work:
            outcome = replay_scenario(folder, Path(work), concurrency=args.concurrency)
        failed += not outcome.passed
        print(outcome.report(), flush=True)
    if len(folders) > 1:
        print(f"{len(folders) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
