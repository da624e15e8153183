"""Prometheus metrics: the instruments the code paths record to (``metrics``), the gauges read from PostgreSQL at
scrape time (``collectors``), and ``/metrics`` behind a token or network restriction (``access``, ``views``)."""
