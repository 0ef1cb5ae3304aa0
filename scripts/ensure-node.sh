#!/usr/bin/env bash
# Makes sure node and npm exist for 'make designer-assets' (the workflow designer's bpmn-js),
# from the distribution's packages. Exits 0 when both are there, 1 when they could not be had.
set -u
have() { command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; }
have && exit 0
if command -v apt-get >/dev/null 2>&1; then
  runner=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then runner="sudo -n"; else
      echo "node/npm missing and no root: install them (apt-get install nodejs npm)" >&2
      exit 1
    fi
  fi
  echo "installing the distribution's nodejs and npm for the workflow designer..." >&2
  $runner apt-get update -qq >/dev/null && \
    DEBIAN_FRONTEND=noninteractive $runner apt-get install -y -qq nodejs npm >/dev/null
fi
have && exit 0
echo "node and npm are missing: install Node.js (with npm) to get the workflow designer" >&2
exit 1
