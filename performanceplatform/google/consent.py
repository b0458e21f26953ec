"""Authorize pp-collector to read Google Analytics, and write the credentials files.

Usage (the command ``pp-collector-ga-credentials``; ``python tools/generate-ga-credentials.py``
in a clone runs the same)::

    pp-collector-ga-credentials client_secret.json [--port 8085] [--no-browser]

``client_secret.json`` is the OAuth client of a Google Cloud project ("Desktop app" type)
downloaded from the Cloud console. A browser opens Google's consent page; after you agree,
Google sends the browser back to a one-off web server this tool runs on ``localhost`` (the
"loopback" flow: Google blocked the copy-and-paste "out of band" flow the original tool used
in October 2022). With ``--no-browser`` the consent URL is printed for you to open.

The files written, as the original tool laid them out (paths relative to the working
directory, or to ``--creds-dir``)::

    creds/ga.json                  {"CLIENT_SECRETS": <abs path>, "STORAGE_PATH": <abs path>}
    creds/ga/client_secret.json    the client secrets, indented with 2 spaces
    creds/ga/storage.db            the tokens, in the oauth2client storage format

Each is readable by its owner only (the secrets file and the tokens are secrets).

Give ``creds/ga.json`` to ``pp-collector -c``; the GA and GA4 collectors refresh the access
token with the refresh token and write the new one back to ``storage.db``.

If you deny access, Google refuses the client or the code, or no answer comes within
``--timeout`` seconds (default 600), the tool exits with one line and writes nothing.
This tool makes user credentials only; a service account needs no tool (give
``ACCOUNT_NAME`` and ``PRIVATE_KEY``, or ``CREDENTIALS_FILE``).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

ANALYTICS_READONLY_SCOPE = "https://www.googleapis.com/auth/analytics.readonly"
REVOKE_URI = "https://oauth2.googleapis.com/revoke"
EXPIRY_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
DEFAULT_TIMEOUT = 600


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pp-collector-ga-credentials",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("client_secret", help="the OAuth client secrets JSON file")
    parser.add_argument("--creds-dir", default="creds",
                        help="where to write ga.json and ga/ (default: ./creds)")
    parser.add_argument("--port", type=int, default=0,
                        help="port of the local redirect server (default: any free port)")
    parser.add_argument("--no-browser", action="store_true",
                        help="print the consent URL instead of opening a browser")
    parser.add_argument("--scope", action="append", dest="scopes",
                        help=f"OAuth scope to ask for (default: {ANALYTICS_READONLY_SCOPE})")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT,
                        help="seconds to wait for the consent (default: %(default)s)")
    return parser.parse_args(argv)


def read_client_secrets(path: Path) -> dict[str, Any]:
    """The client secrets file as a dict; exits with one line when it is not usable."""
    try:
        secrets = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"generate-ga-credentials: cannot read {path}: {exc}")
    if not isinstance(secrets, dict) or not ({"installed", "web"} & set(secrets)):
        raise SystemExit(f"generate-ga-credentials: {path} is not an OAuth client secrets "
                         "file (no 'installed' or 'web' client)")
    return secrets


def obtain_credentials(secrets: dict[str, Any], scopes: list[str], port: int,
                       open_browser: bool, timeout: int | None = DEFAULT_TIMEOUT
                       ):  # -> google.oauth2.credentials.Credentials
    """Run the loopback consent flow in the browser; the user's credentials.

    A refusal (the user denied access, Google refused the client or the code), a token
    endpoint out of reach, a busy port or no answer within ``timeout`` seconds exits with
    one line.
    """
    import requests
    from google_auth_oauthlib.flow import InstalledAppFlow, WSGITimeoutError
    from oauthlib.oauth2.rfc6749.errors import OAuth2Error

    flow = InstalledAppFlow.from_client_config(secrets, scopes=scopes)
    try:
        # google-auth-oauthlib asks for access_type=offline (a refresh token) by default
        return flow.run_local_server(
            port=port, open_browser=open_browser, prompt="consent",
            authorization_prompt_message="Open this URL to authorize pp-collector: {url}",
            success_message="pp-collector is authorized; you can close this window.",
            timeout_seconds=timeout,
        )
    except OAuth2Error as exc:  # its error code is required (RFC 6749 4.1.2.1 and 5.2)
        detail = f": {exc.description}" if exc.description else ""
        raise SystemExit(f"generate-ga-credentials: Google refused the authorization: "
                         f"{exc.error}{detail}")
    except WSGITimeoutError:
        raise SystemExit(f"generate-ga-credentials: no answer from the browser within "
                         f"{timeout} s; run the tool again")
    except requests.RequestException as exc:
        raise SystemExit(f"generate-ga-credentials: could not reach Google's token endpoint "
                         f"({type(exc).__name__})")
    except OSError as exc:
        raise SystemExit(f"generate-ga-credentials: cannot listen on port {port} for "
                         f"Google's answer: {exc.strerror or exc}")
    except Warning as exc:  # oauthlib: "Scope has changed from ... to ..."
        raise SystemExit(f"generate-ga-credentials: {' '.join(str(exc).split())}")


def storage_record(credentials: Any) -> dict[str, Any]:
    """The oauth2client storage file content for google-auth user credentials (the flow's:
    their client id, secret and token URI are those of the client secrets file)."""
    expiry = credentials.expiry.strftime(EXPIRY_FORMAT) if credentials.expiry else None
    return {
        "_module": "oauth2client.client",
        "_class": "OAuth2Credentials",
        "access_token": credentials.token,
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
        "refresh_token": credentials.refresh_token,
        "token_expiry": expiry,
        "token_uri": credentials.token_uri,
        "user_agent": None,
        "invalid": False,
        "id_token": None,
        "token_response": None,
        "revoke_uri": REVOKE_URI,
        "scopes": list(credentials.scopes or []),
    }


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)


def write_layout(creds_dir: Path, secrets: dict[str, Any], credentials: Any) -> Path:
    """Write ``ga.json``, ``ga/client_secret.json`` and ``ga/storage.db``; the ``ga.json`` path."""
    if not credentials.refresh_token:
        raise SystemExit("generate-ga-credentials: Google gave no refresh token; remove the "
                         "app's access at https://myaccount.google.com/permissions and retry")
    creds_dir = creds_dir.resolve()
    secret_path = creds_dir / "ga" / "client_secret.json"
    storage_path = creds_dir / "ga" / "storage.db"
    _write(secret_path, json.dumps(secrets, indent=2))
    _write(storage_path, json.dumps(storage_record(credentials)))
    ga_json = creds_dir / "ga.json"
    _write(ga_json, json.dumps({"CLIENT_SECRETS": str(secret_path),
                                "STORAGE_PATH": str(storage_path)}, indent=2))
    return ga_json


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    secrets = read_client_secrets(Path(args.client_secret))
    scopes = args.scopes or [ANALYTICS_READONLY_SCOPE]
    credentials = obtain_credentials(secrets, scopes, args.port, not args.no_browser,
                                     args.timeout)
    ga_json = write_layout(Path(args.creds_dir), secrets, credentials)
    print(f"Wrote {ga_json}; use it with: pp-collector -c {ga_json} ...")
    return 0
