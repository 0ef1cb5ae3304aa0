#!/usr/bin/env bash
# Makes sure a Chinese TrueType font exists for the device history record PDF/A, which must embed
# every font it uses: Debian's fonts-wqy-microhei (WenQuanYi Micro Hei, TrueType outlines that
# ReportLab can subset). Without one, rendering that PDF raises an error naming the package and
# its tests skip with a reason. MEDTRACE_PDF_FONT (or the older MEDTRACE_DHR_FONT) may name
# another TrueType .ttf/.ttc instead.
set -u
package=fonts-wqy-microhei
override="${MEDTRACE_PDF_FONT:-${MEDTRACE_DHR_FONT:-}}"
for candidate in "${override%%#*}" \
    /usr/share/fonts/truetype/wqy/wqy-microhei.ttc \
    /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc \
    /usr/share/fonts/truetype/arphic/uming.ttc; do
  if [ -n "$candidate" ] && [ -f "$candidate" ]; then
    exit 0
  fi
done
if command -v apt-get >/dev/null 2>&1; then
  runner=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then runner="sudo -n"; else
      echo "no Chinese font and no root: the DHR PDF cannot be made (apt-get install $package)" >&2
      exit 0
    fi
  fi
  echo "installing Debian's $package for the device history record PDF..." >&2
  if $runner apt-get update -qq >/dev/null && \
     DEBIAN_FRONTEND=noninteractive $runner apt-get install -y -qq "$package" >/dev/null; then
    exit 0
  fi
  echo "could not install $package: the DHR PDF cannot be made and its tests will be skipped" >&2
  exit 0
fi
echo "no Chinese font and no apt-get: install WenQuanYi Micro Hei or set MEDTRACE_PDF_FONT" >&2
exit 0
