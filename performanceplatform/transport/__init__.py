"""The one HTTP layer: session, timeouts, retries with backoff, and a source answer turned
into a ``SourceError`` (``transport.http``). It imports only the ground floor (``utils``)."""
