"""Simulated Google OAuth token endpoint.

Served at ``/oauth2.googleapis.com/token`` and ``/accounts.google.com/o/oauth2/token``
(oauth2client's address, which storage files and the original's service accounts use).

Grants:

- ``refresh_token``: needs ``client_id`` and ``refresh_token``;
- ``urn:ietf:params:oauth:grant-type:jwt-bearer``: the ``assertion`` must be an RS256 JWT
  whose claims hold ``iss``, ``scope``, ``aud`` (the token endpoint's own https URL), and
  integer ``iat`` < ``exp`` at most an hour apart. The signature is not verified;
- ``authorization_code``: any ``code`` (for trying the credentials tool against it); the
  answer carries a refresh token too.

Access tokens start with ``sandbox-access-``; the simulated Google APIs accept only those.

Making it refuse (``config.services["google_oauth"]``):

``refuse``      true: every grant answers 400 ``invalid_grant``
``revoked``     a list of refresh tokens, client ids or service-account emails refused
``expires_in``  lifetime of issued tokens in seconds (default 3600)

Fault injection (``/_sandbox/faults`` with ``"service": "google_oauth"``) works as for every
service. ``issued`` lists what was granted, for tests.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from typing import Any

from performanceplatform.sandbox.config import SandboxConfig
from performanceplatform.sandbox.server import Request, Response, Service, json_response

TOKEN_PATHS = ("/oauth2.googleapis.com/token", "/accounts.google.com/o/oauth2/token")
ACCESS_PREFIX = "sandbox-access-"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
MAX_JWT_LIFETIME = 3600


class GrantRefused(Exception):
    """The grant is refused: ``error`` and ``description`` go into a 400 answer."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error
        self.description = description


class GoogleOAuth(Service):
    name = "google_oauth"
    prefixes = TOKEN_PATHS

    def __init__(self, config: SandboxConfig):
        self.config = config
        self.issued: list[dict[str, Any]] = []
        self._lock = threading.Lock()


    def reset(self) -> None:
        with self._lock:
            self.issued.clear()

    def claims(self, request: Request) -> bool:
        return request.path in TOKEN_PATHS

    def handle(self, request: Request) -> Response:
        if request.method != "POST":
            return json_response({"error": "invalid_request",
                                  "error_description": "use POST"}, 405)
        form = dict(request.form())
        grant = form.get("grant_type", "")
        try:
            subject, claims = self._check(grant, form, request.path)
        except GrantRefused as refused:
            return json_response({"error": refused.error,
                                  "error_description": refused.description}, 400)
        return json_response(self._issue(grant, subject, claims, request.body))

    def _check(self, grant: str, form: dict[str, str], path: str
               ) -> tuple[str, dict[str, Any] | None]:
        """Who is asking (refresh token, code or service account) and the JWT claims if any,
        or ``GrantRefused``."""
        claims = None
        if grant == "refresh_token":
            subject = _required(form, "refresh_token")
            self._refuse_if_revoked(subject, _required(form, "client_id"))
        elif grant == JWT_GRANT:
            claims = check_jwt(_required(form, "assertion"), "https:/" + path)
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


def check_jwt(assertion: str, audience: str) -> dict[str, Any]:
    """The claims of a JWT-bearer assertion, checked for shape; ``GrantRefused`` if wrong."""
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
    if claims["aud"] not in (audience, *("https:/" + p for p in TOKEN_PATHS)):
        raise GrantRefused("invalid_grant", f"bad audience {claims['aud']!r}")
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, int) or not isinstance(exp, int) or not 0 < exp - iat <= \
            MAX_JWT_LIFETIME:
        raise GrantRefused("invalid_grant", "iat and exp must be integers at most 1 h apart")
    return claims
