"""A Backdrop-compatible write and read API (spec core.md §3 and §4) over ``SQLiteStore``."""

from __future__ import annotations

import datetime as dt
import json
import re

from performanceplatform.sandbox.config import DataSetConfig, SandboxConfig
from performanceplatform.sandbox.server import Request, Response, Service, json_response
from performanceplatform.store import SQLiteStore, validate_records
from performanceplatform.store.validation import InvalidRecord

MAX_BODY = 10 * 1024 * 1024
DATA_PATH = re.compile(r"^/data/([^/]+)/([^/]+)/?$")
READ_PARAMS = {"start_at", "end_at", "filter_by", "sort_by", "limit", "inclusive"}
STRICT_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:?\d{2})$")
NOT_JSON = "ValidationError('Expected header: Content-type: application/json',)"


def error(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    return json_response({"status": "error", "message": message}, status, headers)


class Backdrop(Service):
    name = "backdrop"
    prefixes = ("/data/", "/_status")

    def __init__(self, config: SandboxConfig, store: SQLiteStore | None = None):
        self.config = config
        self.store = store or SQLiteStore(config.database)

    def handle(self, request: Request) -> Response:
        if request.path == "/_status":
            if request.method != "GET":
                return error("The method is not allowed for the requested URL.", 405)
            return json_response({"status": "ok", "message": "app is up"},
                                 headers={"Cache-Control": "no-cache"})
        match = DATA_PATH.match(request.path)
        if not match:
            return error("The requested URL was not found on the server.", 404)
        data_set = self.config.find_data_set(*match.groups())
        if request.method == "GET":
            return self._read(request, data_set)
        if request.method not in ("POST", "PUT"):
            return error("The method is not allowed for the requested URL.", 405)
        if data_set is None:
            return error("Could not find data_set_config", 404)
        refused = self._authenticate(request, data_set)
        if refused:
            return refused
        if len(request.body) > MAX_BODY:
            return Response(413, b"<h1>Request Entity Too Large</h1>", "text/html")
        if request.method == "PUT":
            return self._empty(request, data_set)
        return self._write(request, data_set)

    def _authenticate(self, request: Request, data_set: DataSetConfig) -> Response | None:
        challenge = {"WWW-Authenticate": "bearer"}
        if request.headers.get("Authorization") is None:
            return error("Expected header of form: Authorization: Bearer <token>", 401, challenge)
        token = request.bearer or None
        if not token or token != data_set.bearer_token:
            return error(f"Unauthorized: Invalid bearer token '{token}' for '{data_set.name}'",
                         401, challenge)
        return None

    def _parse_body(self, request: Request) -> tuple[object, Response | None]:
        if not request.body:
            return None, error("Expected JSON request body but received zero bytes.", 400)
        mimetype = (request.headers.get("Content-Type") or "").split(";")[0].strip()
        if mimetype != "application/json":
            return None, None
        try:
            return json.loads(request.body.decode("utf-8")), None
        except (ValueError, UnicodeDecodeError) as exc:
            return None, error(f'Error parsing JSON: "{exc}"', 400)

    def _write(self, request: Request, data_set: DataSetConfig) -> Response:
        body, failure = self._parse_body(request)
        if failure:
            return failure
        if body is None:
            return json_response({"messages": [NOT_JSON]}, 400)
        records = body if isinstance(body, list) else [body]
        try:
            prepared, errors = validate_records(records)
        except InvalidRecord as exc:
            return error(f"Internal Server Error: {exc}", 500)
        if errors:
            return json_response({"messages": errors}, 400, {"Cache-Control": "no-cache"})
        self.store.save(data_set.name, prepared)
        return json_response({"status": "ok"}, headers={"Cache-Control": "no-cache"})

    def _empty(self, request: Request, data_set: DataSetConfig) -> Response:
        body, failure = self._parse_body(request)
        if failure:
            return failure
        if body is None:
            return error(NOT_JSON, 400)
        if body != []:
            return error("Not implemented: you can only pass an empty JSON list", 400)
        self.store.empty(data_set.name)
        return json_response(
            {"status": "ok", "message": f"{data_set.name} now contains 0 records"})

    def _read(self, request: Request, data_set: DataSetConfig | None) -> Response:
        if data_set is None or not data_set.queryable:
            return error("data_set not found", 404)
        unknown = {key for key, _ in request.query} - READ_PARAMS
        if unknown:
            return error("An unrecognised parameter was provided", 400)
        try:
            kwargs = _read_arguments(request)
        except ValueError as exc:
            return error(str(exc), 400)
        records = self.store.query(data_set.name, **kwargs)
        return json_response({"data": records}, headers={
            "Cache-Control": "max-age=1800, must-revalidate",
            "Access-Control-Allow-Origin": "*"})


def _read_arguments(request: Request) -> dict:
    kwargs: dict = {}
    for name in ("start_at", "end_at"):
        value = request.arg(name)
        if value is not None:
            if not STRICT_TIME.match(value):
                raise ValueError(f"{name} is not a valid datetime")
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            kwargs[name] = parsed
    kwargs["inclusive"] = request.arg("inclusive") == "true"
    filters = []
    for key, value in request.query:
        if key == "filter_by":
            field_name, _, wanted = value.partition(":")
            filters.append((field_name, {"true": True, "false": False}.get(wanted, wanted)))
    kwargs["filters"] = filters
    sort_by = request.arg("sort_by")
    if sort_by:
        field_name, _, direction = sort_by.partition(":")
        if direction not in ("ascending", "descending"):
            raise ValueError("Unrecognised sort direction. Supported directions include: "
                             "ascending, descending")
        kwargs["sort_by"] = (field_name, direction == "descending")
    limit = request.arg("limit")
    if limit is not None:
        if not limit.isdigit():
            raise ValueError("limit must be a positive integer")
        kwargs["limit"] = int(limit)
    return kwargs
