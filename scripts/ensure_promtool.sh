#!/usr/bin/env bash
# The metrics tests run promtool (Debian's `prometheus` package) on the alert rules and on a live scrape: install
# it when missing. Only its binaries are used; the package's own Prometheus service is not started here.
set -u
command -v promtool >/dev/null && exit 0
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's prometheus (promtool) for the metrics tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
command -v promtool >/dev/null || { echo "make test: promtool is needed for tests/observability (apt-get install prometheus)" >&2; exit 1; }
