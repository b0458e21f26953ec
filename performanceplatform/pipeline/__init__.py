"""One pipeline for every collector: check, plan, fetch (bounded pool, plan order), build, sink.

A collector is a subclass of :class:`~performanceplatform.pipeline.collector.Collector`
declaring what differs between sources (its four steps and a few attributes); the runner
(:func:`~performanceplatform.pipeline.runner.run`) does the rest the same way for all::

    check ─► plan ─► fetch (bounded pool, consumed in plan order) ─► build (ids) ─► sink

- ``check`` finds every config problem at once (``utils.checks.Problems``; the core names
  the files);
- ``plan`` gives the units of work (usually periods), known before any request;
- ``fetch(unit)`` gives the rows of one unit; units are fetched by ``concurrency`` workers
  (``--concurrency``, the ``concurrency`` option, ``PP_COLLECTOR_CONCURRENCY``; default 4,
  capped by the collector's documented API limit) and consumed strictly in plan order, with
  a bounded look-ahead, so records, ``_id``s, chunks and POSTs are those of a sequential run;
- ``build(unit, rows)`` turns rows into ``(item, special fields)`` pairs; the core builds
  the records (``records.data_parser``) and writes them chunk by chunk through the sink while
  later units are fetched.

This module imports nothing: a collector imports what it needs when it runs.
"""
