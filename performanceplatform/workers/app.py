"""The Celery application: at-least-once runs, one task at a time per worker process.

- ``task_acks_late`` with ``task_reject_on_worker_lost``: a run is acknowledged when it ends,
  so a worker killed mid-run leaves its task to another worker. That is safe because every
  record carries an ``_id``: a re-run overwrites what the first attempt wrote.
- ``worker_prefetch_multiplier = 1``: a busy worker does not sit on queued runs.
- the Redis broker's ``visibility_timeout`` decides when an unacknowledged run is handed out
  again; it must be longer than the longest run (see ``settings``).
"""

from __future__ import annotations

import logging

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

from performanceplatform.workers.settings import WorkerSettings

TASK_NAME = "pp_collector.run_collector"


def make_app(settings: WorkerSettings | None = None) -> Celery:
    settings = settings or WorkerSettings.from_env()
    app = Celery("pp_collector", broker=settings.broker_url, backend=settings.result_backend,
                 include=["performanceplatform.workers.tasks"])
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=settings.time_limit,
        task_soft_time_limit=max(settings.time_limit - 30, settings.time_limit * 0.9),
        task_track_started=True,
        result_extended=True,
        result_expires=7 * 24 * 3600,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": settings.visibility_timeout},
        timezone="UTC",
        enable_utc=True,
    )
    app.conf.pp_settings = settings
    return app


@after_setup_logger.connect
@after_setup_task_logger.connect
def _redact_worker_logs(logger: logging.Logger, **_: object) -> None:
    """Celery's own log handlers mask secrets as the CLI's do."""
    from performanceplatform.utils.redact import RedactingFilter

    for handler in logger.handlers:
        handler.addFilter(RedactingFilter())


app = make_app()
