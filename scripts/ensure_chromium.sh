#!/usr/bin/env bash
# The browser test drives Debian's Chromium (playwright with executable_path): install it when missing.
set -u
command -v chromium >/dev/null && exit 0
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's chromium for the browser test"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
command -v chromium >/dev/null || { echo "make test: Chromium is needed for tests/operations/test_browser.py (apt-get install chromium)" >&2; exit 1; }
