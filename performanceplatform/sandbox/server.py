"""The sandbox's HTTP server: one threaded server on loopback, many simulated services.

Each simulated service (``backdrop``, ``stagecraft``, ``google``, ``pingdom``...) is a
``Service``: it claims the paths it serves and turns a ``Request`` into a ``Response``. The
server adds what every service needs:

- a control API under ``/_sandbox/``:

  ``GET  /_sandbox/status``    which services run
  ``POST /_sandbox/reset``     forget faults, the request log and every service's state
  ``POST /_sandbox/faults``    queue faults: ``{"service": "backdrop", "status": 503,
                               "count": 2, "headers": {"Retry-After": "1"}, "body": "...",
                               "delay": 0.5, "reset": false, "path": "/data/g/t"}``
                               (a list of such objects is accepted too). ``"redirect":
                               "https://elsewhere/x"`` answers a 3xx (302 unless ``status``
                               says which) with that ``Location``; ``"body": ""`` is an
                               empty body (no body: a JSON error). A field of the wrong
                               type, an unknown key or a body that is not JSON is answered
                               400 naming it, and nothing is queued
  ``GET  /_sandbox/requests``  every request served so far: method, path, query, headers,
                               body size, gzip, service, status
  ``GET  /_sandbox/<name>``    a read-only view added with ``Sandbox.controls[name]``
                               (``summary``: what the store holds, see ``page.py``)

- fault injection: a queued fault answers (or delays, or resets the connection of) the next
  ``count`` requests of that service before the service sees them;
- one seeded random generator (``Sandbox.random``) for services that need randomness.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import random
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

log = logging.getLogger(__name__)


@dataclass
class Request:
    """What a service sees of an HTTP request."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: Message
    body: bytes = b""
    raw_target: str = ""

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The last value of query parameter (or form field) ``name``."""
        for key, value in reversed(self.query + self.form()):
            if key == name:
                return value
        return default

    def form(self) -> list[tuple[str, str]]:
        content_type = self.headers.get("Content-Type") or ""
        if "x-www-form-urlencoded" not in content_type:
            return []
        return parse_qsl(self.body.decode("utf-8"), keep_blank_values=True)

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def bearer(self) -> str | None:
        value = self.headers.get("Authorization") or ""
        return value[len("Bearer "):] if value.startswith("Bearer ") else None


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def json_response(obj: Any, status: int = 200, headers: dict[str, str] | None = None,
                  indent: int | None = None) -> Response:
    body = json.dumps(obj, indent=indent, sort_keys=indent is not None).encode("utf-8")
    return Response(status, body, "application/json", dict(headers or {}))


def text_response(text: str, status: int = 200, content_type: str = "text/plain",
                  encoding: str = "utf-8") -> Response:
    return Response(status, text.encode(encoding), content_type)


class Service:
    """A simulated service. Subclasses set ``name`` and ``prefixes`` and implement ``handle``.

    ``config`` is the sandbox's ``SandboxConfig``; ``settings`` this service's part of its
    ``services`` (``{"pingdom": {...}}``), read on every request so tests can change it.
    """

    name = "service"
    prefixes: tuple[str, ...] = ()
    config: Any = None

    @property
    def settings(self) -> dict[str, Any]:
        services = getattr(self.config, "services", None) or {}
        return services.get(self.name, {})

    def claims(self, request: Request) -> bool:
        return any(request.path.startswith(p) for p in self.prefixes)

    def handle(self, request: Request) -> Response:
        raise NotImplementedError

    def reset(self) -> None:
        """Forget state kept between requests."""


@dataclass
class Fault:
    """One queued fault; ``Fault.from_spec`` checks a spec sent to ``/_sandbox/faults``."""

    service: str = "*"
    path: str = ""
    status: int | None = 503
    count: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    delay: float = 0.0
    reset: bool = False
    redirect: str | None = None

    def applies_to(self, service: str, request: Request) -> bool:
        return self.service in ("*", service) and request.path.startswith(self.path)

    @classmethod
    def from_spec(cls, spec: Any) -> Fault:
        """A ``Fault`` from a JSON object, or ``ValueError`` naming the field at fault."""
        if not isinstance(spec, dict):
            raise ValueError(f"a fault must be a JSON object, got {type(spec).__name__}")
        unknown = sorted(set(spec) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValueError(f"unknown fault keys: {unknown}")
        for name, check, expected in _FAULT_FIELDS:
            if name in spec and not check(spec[name]):
                raise ValueError(f"fault field '{name}': expected {expected}, "
                                 f"got {json.dumps(spec[name])[:60]}")
        fault = cls(**spec)
        if fault.redirect is not None:
            fault.status = spec.get("status", 302)
            if not (fault.status and 300 <= fault.status < 400):
                raise ValueError("fault field 'status': a redirect needs a 3xx status, "
                                 f"got {json.dumps(fault.status)}")
            fault.headers = {**fault.headers, "Location": fault.redirect}
        return fault


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_text_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


_FAULT_FIELDS: tuple[tuple[str, Callable[[Any], bool], str], ...] = (
    ("service", lambda v: isinstance(v, str), "a service name"),
    ("path", lambda v: isinstance(v, str), "a path prefix"),
    ("status", lambda v: v is None or (_is_int(v) and 100 <= v <= 599),
     "an HTTP status (100-599) or null"),
    ("count", lambda v: _is_int(v) and v >= 1, "a whole number of requests, at least 1"),
    ("headers", _is_text_map, "an object of header names to text"),
    ("body", lambda v: v is None or isinstance(v, str), "text or null"),
    ("delay", lambda v: (_is_int(v) or isinstance(v, float)) and 0 <= v <= 600,
     "seconds between 0 and 600"),
    ("reset", lambda v: isinstance(v, bool), "true or false"),
    ("redirect", lambda v: isinstance(v, str) and v != "", "a Location (URL or path)"),
)


class FaultQueue:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, specs: Any) -> None:
        """Queue one fault spec or a list of them; all are checked before any is queued."""
        faults = [Fault.from_spec(spec) for spec in (specs if isinstance(specs, list)
                                                     else [specs])]
        with self._lock:
            self._faults.extend(faults)

    def take(self, service: str, request: Request) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.applies_to(service, request):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()


class Sandbox:
    """The simulated services on one loopback port. Use as a context manager or start/stop."""

    def __init__(self, services: Iterable[Service], host: str = "127.0.0.1", port: int = 0,
                 seed: int = 0):
        self.services = list(services)
        self.faults = FaultQueue()
        self.requests: list[dict[str, Any]] = []
        self._generation = 0  # bumped by reset(): requests are logged in their own generation
        self.random = random.Random(seed)
        self.controls: dict[str, Callable[[Request], Response]] = {}
        self._lock = threading.Lock()
        self._server = _Server((host, port), _handler_for(self))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def service(self, name: str) -> Service:
        for service in self.services:
            if service.name == name:
                return service
        raise KeyError(name)

    def start(self) -> Sandbox:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="pp-sandbox")
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        self.faults.clear()
        with self._lock:
            self.requests.clear()
            self._generation += 1
        for service in self.services:
            service.reset()

    # -- dispatch ---------------------------------------------------------------------
    def dispatch(self, request: Request) -> tuple[str, Response | Fault]:
        if request.path.startswith("/_sandbox/"):
            return "sandbox", self._control(request)
        for service in self.services:
            if service.claims(request):
                fault = self.faults.take(service.name, request)
                if fault is not None:
                    if fault.delay:
                        time.sleep(fault.delay)
                    if fault.reset or fault.status is not None:
                        return service.name, fault
                return service.name, service.handle(request)
        return "none", json_response(
            {"status": "error", "message": f"no simulated service serves {request.path}"}, 404)

    def _control(self, request: Request) -> Response:
        action = request.path[len("/_sandbox/"):].strip("/")
        if action == "status" and request.method == "GET":
            return json_response({"status": "ok", "services": [s.name for s in self.services]})
        if action == "reset" and request.method == "POST":
            self.reset()
            return json_response({"status": "ok"})
        if action == "faults" and request.method == "POST":
            try:
                specs = request.json()
            except ValueError as exc:  # UnicodeDecodeError is a ValueError too
                return json_response({"status": "error",
                                      "message": f"faults: the body is not JSON: {exc}"}, 400)
            try:
                self.faults.add(specs)
            except ValueError as exc:
                return json_response({"status": "error", "message": str(exc)}, 400)
            return json_response({"status": "ok"})
        if action == "requests" and request.method == "GET":
            with self._lock:
                return json_response({"requests": list(self.requests)})
        if action in self.controls and request.method == "GET":
            return self.controls[action](request)
        return json_response({"status": "error", "message": "unknown sandbox action"}, 404)

    def record(self, entry: dict[str, Any], generation: int | None = None) -> None:
        """Log a served request; one that arrived before the last ``reset()`` (a delayed
        answer finishing late) is left out of the new log."""
        with self._lock:
            if generation is None or generation == self._generation:
                self.requests.append(entry)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timed out, reset) is routine here; anything else is not."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            log.debug("sandbox: %s went away before the answer", client_address)
            return
        super().handle_error(request, client_address)


def _handler_for(sandbox: Sandbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "pp-sandbox"
        # TCP_NODELAY: the status line and headers, then the body, go out as two writes;
        # with Nagle's algorithm the second waits for the client's delayed ACK (~40 ms), so
        # every keep-alive request took 40 ms longer than the service's own latency
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s " + format, self.address_string(), *args)

        def _serve(self) -> None:
            generation = sandbox._generation
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            gzipped = "gzip" in (self.headers.get("Content-Encoding") or "").lower()
            target = urlsplit(self.path)
            request = Request(
                method=self.command,
                path=unquote(target.path),
                query=parse_qsl(target.query, keep_blank_values=True),
                headers=self.headers,
                body=raw,
                raw_target=self.path,
            )
            if gzipped:
                try:
                    request.body = gzip.decompress(raw)
                except OSError:
                    request.body = b""
            try:
                name, outcome = sandbox.dispatch(request)
            except Exception as exc:  # a simulator bug: answer it, never drop the request
                log.exception("sandbox: %s %s failed", request.method, request.path)
                name, outcome = "error", json_response(
                    {"status": "error", "message": f"sandbox error: {type(exc).__name__}: "
                                                   f"{exc}"}, 500)
            entry = {
                "method": request.method, "path": request.path, "query": request.query,
                "service": name, "gzip": gzipped, "body_bytes": len(raw),
                # which body (after gzip): tells requests apart when they may come in any order
                "body_digest": hashlib.blake2b(request.body, digest_size=8).hexdigest(),
                "authorization": _scheme_only(self.headers.get("Authorization")),
                "content_type": self.headers.get("Content-Type"),
                "user_agent": self.headers.get("User-Agent"),
            }
            if isinstance(outcome, Fault):
                entry["fault"] = True
                if outcome.reset:
                    entry["status"] = None
                    sandbox.record(entry, generation)
                    self._reset_connection()
                    return
                body = outcome.body if outcome.body is not None else json.dumps(
                    {"status": "error", "message": f"injected fault {outcome.status}"})
                outcome = Response(outcome.status or 503, body.encode("utf-8"),
                                   "application/json", dict(outcome.headers))
            entry["status"] = outcome.status
            if name != "sandbox":
                sandbox.record(entry, generation)
            self.send_response(outcome.status)
            self.send_header("Content-Type", outcome.content_type)
            self.send_header("Content-Length", str(len(outcome.body)))
            for key, value in outcome.headers.items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(outcome.body)

        def _reset_connection(self) -> None:
            self.close_connection = True
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass
            self.connection.close()

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    return Handler


def _scheme_only(value: str | None) -> str | None:
    if not value:
        return None
    return value.split(" ", 1)[0]
