#!/usr/bin/env bash
# Makes sure a Chromium binary exists for the browser tests, from the distribution's packages
# (never a browser download by a test tool). Without one, the browser tests skip with a reason.
set -u
for candidate in "${MEDTRACE_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    exit 0
  fi
done
if command -v apt-get >/dev/null 2>&1; then
  runner=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then runner="sudo -n"; else
      echo "chromium missing and no root: browser tests will be skipped (apt-get install chromium)" >&2
      exit 0
    fi
  fi
  echo "installing Debian's chromium for the browser tests..." >&2
  if $runner apt-get update -qq >/dev/null && \
     DEBIAN_FRONTEND=noninteractive $runner apt-get install -y -qq chromium >/dev/null; then
    exit 0
  fi
  echo "could not install chromium: browser tests will be skipped" >&2
  exit 0
fi
echo "no chromium and no apt-get: browser tests will be skipped" >&2
exit 0
