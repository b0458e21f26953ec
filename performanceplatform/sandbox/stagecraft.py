"""A Stagecraft double: serves collector configs by slug (spec core.md §1.6)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from performanceplatform.sandbox.config import SandboxConfig
from performanceplatform.sandbox.server import Request, Response, Service, json_response

SLUG = re.compile(r"^/collector/([\w-]+)/?$")


class Stagecraft(Service):
    name = "stagecraft"
    prefixes = ("/collector",)

    def __init__(self, config: SandboxConfig):
        self.config = config

    def collectors(self) -> dict[str, dict[str, Any]]:
        found = dict(self.config.collectors)
        if self.config.collectors_dir:
            for path in sorted(Path(self.config.collectors_dir).glob("*.json")):
                found.setdefault(path.stem, json.loads(path.read_text(encoding="utf-8")))
        return found

    def handle(self, request: Request) -> Response:
        if request.method != "GET":
            return _answer({"status": "error", "message": "method not allowed"}, 405)
        token = request.bearer
        if token is None:
            return _answer("Forbidden: user lacks permission.", 403)
        if token != self.config.omniscient_token:
            return _answer("Unauthorized: invalid access token.", 401,
                           {"WWW-Authenticate": "Bearer"})
        collectors = self.collectors()
        if request.path.rstrip("/") == "/collector":
            return _answer(list(collectors.values()), 200)
        match = SLUG.match(request.path)
        collector = collectors.get(match.group(1)) if match else None
        if collector is None:
            request_id = request.headers.get("Request-Id") or ""
            return _answer({"status": 404, "message": "model not found", "errors": [
                {"id": request_id, "status": "404", "code": "", "title": "",
                 "detail": "model not found"}]}, 404)
        return _answer(collector, 200)


def _answer(body: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    response = json_response(body, status, headers)
    response.body = json.dumps(body, indent=1).encode("utf-8")
    return response
