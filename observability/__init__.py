"""Watching the system from the outside, in the tools an SRE team already runs: Prometheus metrics (``metrics``
for the instruments the code paths record to, ``collectors`` for the gauges read from PostgreSQL at scrape time,
``access`` and ``views`` for ``/metrics``), OpenTelemetry traces (``tracing``, ``outbox_spans``) and log context."""
