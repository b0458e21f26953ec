"""The scopes, endpoints, hints and limits the credentials modules share."""

from __future__ import annotations

import datetime as dt

ANALYTICS_SCOPE = "https://www.googleapis.com/auth/analytics"
ANALYTICS_READONLY_SCOPE = "https://www.googleapis.com/auth/analytics.readonly"
# Google's documented token endpoint, and the audience of every JWT-bearer grant ("aud ...
# When making an access token request this value is always https://oauth2.googleapis.com/token",
# https://developers.google.com/identity/protocols/oauth2/service-account).
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
JWT_AUDIENCE = GOOGLE_TOKEN_URI
P12_PASSWORD = b"notasecret"
INLINE_KEY_MIN_LINE = 16  # shorter lines of an inline key ("-----END ...") are not secret
MAX_SHOWN_PATH = 1024
EXPIRY_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
JWT_LIFETIME = dt.timedelta(seconds=3600)
REGENERATE_HINT = "run pp-collector-ga-credentials again"
SERVICE_ACCOUNT_HINT = ("check that the service account and its key still exist and are "
                        "enabled, and that this machine's clock is right")
SERIALIZED_HINT = ("renew the credentials in OAUTH2_CREDENTIALS (pp-collector-ga-credentials "
                   "makes new ones)")
# OAuth error codes that mean "try again later" even in a 400 answer (RFC 6749 5.2 and 4.1.2.1).
RETRYABLE_TOKEN_ERRORS = frozenset({"internal_failure", "server_error",
                                    "temporarily_unavailable"})
