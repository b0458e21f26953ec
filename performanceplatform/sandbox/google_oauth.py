"""Simulated Google OAuth: the token endpoint and a consent page that always agrees.

The token endpoint is served at ``/oauth2.googleapis.com/token`` and
``/accounts.google.com/o/oauth2/token`` (oauth2client's address, which storage files and the
original's service accounts use). Grants:

- ``refresh_token``: needs ``refresh_token`` and the client id;
- ``urn:ietf:params:oauth:grant-type:jwt-bearer``: the ``assertion`` must be an RS256 JWT
  whose claims hold ``iss``, ``scope``, ``aud`` and integer ``iat`` < ``exp`` at most an hour
  apart, dated by the real time: ``iat`` no more than 5 minutes ahead of it, ``exp`` not past.
  ``aud`` must be ``https://oauth2.googleapis.com/token``, whichever of the two paths the
  grant is posted to: "When making an access token request this value is always
  https://oauth2.googleapis.com/token" (the claim set of
  https://developers.google.com/identity/protocols/oauth2/service-account); the setting
  ``audiences`` lists other audiences to accept. Lifetime and dates follow the same page.
  The signature is not verified;
- ``authorization_code``: any ``code`` (the consent page below hands out ``sandbox-code-...``);
  the answer carries a refresh token too.

The client id is read from the form (``client_id``) or from HTTP Basic authentication
(``client_secret_basic``, what requests-oauthlib sends), as Google accepts both.

The consent page, ``/accounts.google.com/o/oauth2/auth`` (and ``.../o/oauth2/v2/auth``),
answers a GET with ``response_type=code``, ``client_id`` and a loopback ``redirect_uri`` by
redirecting at once to ``redirect_uri?code=...&state=...&scope=...``, as if the user agreed;
with the setting ``deny`` it redirects with ``error=access_denied``.

Access tokens start with ``sandbox-access-``; the simulated Google APIs accept only those.

Making it refuse (``config.services["google_oauth"]``):

``refuse``      true: every grant answers 400 ``invalid_grant``
``revoked``     a list of refresh tokens, client ids or service-account emails refused
``expires_in``  lifetime of issued tokens in seconds (default 3600)
``audiences``   more JWT audiences to accept besides the documented one (default none)
``deny``        true: the consent page answers ``error=access_denied``

Fault injection (``/_sandbox/faults`` with ``"service": "google_oauth"``) works as for every
service. ``issued`` lists what was granted, for tests.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from performanceplatform.sandbox.config import SandboxConfig
from performanceplatform.sandbox.server import (
    Request,
    Response,
    Service,
    json_response,
    text_response,
)

TOKEN_PATHS = ("/oauth2.googleapis.com/token", "/accounts.google.com/o/oauth2/token")
DOCUMENTED_AUDIENCE = "https://oauth2.googleapis.com/token"
CONSENT_PATHS = ("/accounts.google.com/o/oauth2/auth", "/accounts.google.com/o/oauth2/v2/auth")
ACCESS_PREFIX = "sandbox-access-"
CODE_PREFIX = "sandbox-code-"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
MAX_JWT_LIFETIME = 3600
CLOCK_SKEW = 300  # seconds of clock difference allowed in a JWT
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")


class GrantRefused(Exception):
    """The grant is refused: ``error`` and ``description`` go into a 400 answer."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error
        self.description = description


class GoogleOAuth(Service):
    name = "google_oauth"
    prefixes = TOKEN_PATHS + CONSENT_PATHS

    def __init__(self, config: SandboxConfig):
        self.config = config
        self.issued: list[dict[str, Any]] = []
        self._lock = threading.Lock()


    def reset(self) -> None:
        with self._lock:
            self.issued.clear()

    def claims(self, request: Request) -> bool:
        return request.path in TOKEN_PATHS or request.path in CONSENT_PATHS

    def handle(self, request: Request) -> Response:
        if request.path in CONSENT_PATHS:
            return self._consent(request)
        if request.method != "POST":
            return json_response({"error": "invalid_request",
                                  "error_description": "use POST"}, 405)
        form = dict(request.form())
        basic = _basic_client(request)
        if basic and not form.get("client_id"):
            form["client_id"] = basic
        grant = form.get("grant_type", "")
        try:
            subject, claims = self._check(grant, form, request)
        except GrantRefused as refused:
            return json_response({"error": refused.error,
                                  "error_description": refused.description}, 400)
        return json_response(self._issue(grant, subject, claims, request.body))

    def _consent(self, request: Request) -> Response:
        """The user agrees at once: redirect to the loopback ``redirect_uri`` with a code."""
        redirect = request.arg("redirect_uri") or ""
        parts = urlsplit(redirect)
        if request.arg("response_type") != "code" or not request.arg("client_id") or \
                parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
            return text_response("400. invalid_request: needs response_type=code, a client_id "
                                 "and a loopback http redirect_uri", 400)
        answer = [("state", request.arg("state") or "")]
        if self.settings.get("deny"):
            answer.insert(0, ("error", "access_denied"))
        else:
            digest = hashlib.sha256(request.raw_target.encode()).hexdigest()[:16]
            answer.insert(0, ("code", CODE_PREFIX + digest))
            answer.append(("scope", request.arg("scope") or ""))
        query = urlencode(parse_qsl(parts.query) + answer)
        location = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))
        return Response(302, b"", "text/plain", {"Location": location})

    def _check(self, grant: str, form: dict[str, str], request: Request
               ) -> tuple[str, dict[str, Any] | None]:
        """Who is asking (refresh token, code or service account) and the JWT claims if any,
        or ``GrantRefused``."""
        claims = None
        if grant == "refresh_token":
            subject = _required(form, "refresh_token")
            self._refuse_if_revoked(subject, _required(form, "client_id"))
        elif grant == JWT_GRANT:
            audiences = (DOCUMENTED_AUDIENCE, *self.settings.get("audiences", ()))
            claims = check_jwt(_required(form, "assertion"), audiences)
            subject = claims["iss"]
            self._refuse_if_revoked(subject)
        elif grant == "authorization_code":
            subject = _required(form, "code")
            self._refuse_if_revoked(subject, _required(form, "client_id"))
        else:
            raise GrantRefused("unsupported_grant_type", f"grant_type {grant!r}")
        return subject, claims

    def _refuse_if_revoked(self, *names: str) -> None:
        revoked = set(self.settings.get("revoked", ()))
        if self.settings.get("refuse") or revoked.intersection(names):
            raise GrantRefused("invalid_grant", "Token has been expired or revoked.")

    def _issue(self, grant: str, subject: str, claims: dict[str, Any] | None, body: bytes
               ) -> dict[str, Any]:
        with self._lock:
            serial = len(self.issued) + 1
            digest = hashlib.sha256(body + str(serial).encode()).hexdigest()[:24]
            token = ACCESS_PREFIX + digest
            self.issued.append({"grant_type": grant, "subject": subject, "claims": claims,
                                "access_token": token})
        answer: dict[str, Any] = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": int(self.settings.get("expires_in", 3600)),
        }
        if grant == "authorization_code":
            answer["refresh_token"] = "sandbox-refresh-" + digest
            answer["scope"] = "https://www.googleapis.com/auth/analytics.readonly"
        return answer


def _basic_client(request: Request) -> str | None:
    """The client id of an ``Authorization: Basic`` header (RFC 6749 2.3.1), if any."""
    value = request.headers.get("Authorization") or ""
    if not value.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(value[len("Basic "):], validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    client_id, _, _secret = decoded.partition(":")
    return unquote(client_id.replace("+", " ")) or None


def _required(form: dict[str, str], name: str) -> str:
    value = form.get(name)
    if not value:
        raise GrantRefused("invalid_request", f"missing {name}")
    return value


def _b64_json(part: str) -> dict[str, Any]:
    padded = part + "=" * (-len(part) % 4)
    value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


def check_jwt(assertion: str, audiences: tuple[str, ...] | str = DOCUMENTED_AUDIENCE,
              now: float | None = None) -> dict[str, Any]:
    """The claims of a JWT-bearer assertion, checked for shape, audience and dates against
    the real time (or ``now``); ``GrantRefused`` if wrong."""
    if isinstance(audiences, str):
        audiences = (audiences,)
    try:
        header_part, claims_part, signature = assertion.split(".")
        header, claims = _b64_json(header_part), _b64_json(claims_part)
    except ValueError:
        raise GrantRefused("invalid_grant", "the assertion is not a JWT")
    if header.get("alg") != "RS256" or not signature:
        raise GrantRefused("invalid_grant", "the assertion must be signed with RS256")
    for name in ("iss", "scope", "aud"):
        if not isinstance(claims.get(name), str) or not claims[name]:
            raise GrantRefused("invalid_grant", f"the assertion lacks the {name} claim")
    if claims["aud"] not in audiences:
        raise GrantRefused("invalid_grant", f"Invalid JWT: bad audience {claims['aud']!r}")
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, int) or not isinstance(exp, int) or not 0 < exp - iat <= \
            MAX_JWT_LIFETIME:
        raise GrantRefused("invalid_grant", "iat and exp must be integers at most 1 h apart")
    now = time.time() if now is None else now
    if iat > now + CLOCK_SKEW or exp < now - CLOCK_SKEW:
        raise GrantRefused("invalid_grant", "Invalid JWT: Token must be a short-lived token "
                                            "(60 minutes) and in a reasonable timeframe. Check "
                                            "your iat and exp values in the JWT claim.")
    return claims
