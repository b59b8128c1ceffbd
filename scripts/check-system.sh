#!/usr/bin/env sh
# What `make demo` and `make test` need from the machine, installed when it is missing.
#
#   sh scripts/check-system.sh [demo|test]
#
# WeasyPrint lays out text with Pango (required). HarfBuzz's subsetter makes font subsets
# faster (recommended: without it WeasyPrint subsets with fontTools). `test` adds Chromium
# (required: the browser tests drive Debian's chromium through Playwright, and run rather
# than skip) and what the suite uses when it is there (strace, for the test that watches
# every process's opens; qpdf, whose --check every kind of PDF made is put through).
# On Debian and Ubuntu a missing package is installed with apt-get when running as root,
# with sudo when sudo works without a password, and otherwise the one command to run is
# printed. BROCHURE_NO_INSTALL=1 only reports.
#
# The test suite runs this script with stub commands (tests/test_setup.py); LIB_DIRS is
# where shared libraries are looked for when ldconfig does not list them.
PYTHON="${PYTHON:-python3}"
PURPOSE="${1:-demo}"
LIB_DIRS="${LIB_DIRS:-/usr/lib /usr/lib64 /lib /lib64 /usr/local/lib /opt/homebrew/lib}"
required=""
recommended=""

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "error: $PYTHON not found; install Python 3.11 or newer (sudo apt-get install python3 python3-venv)" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "error: brochure needs Python 3.11 or newer; $PYTHON is $("$PYTHON" -V 2>&1)" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  required="$required python3-venv"
fi

# A library by its base name: libpango-1.0.so.0 on Linux, libpango-1.0.0.dylib on macOS.
have_lib() {
  ldconfig -p 2>/dev/null | grep -q "$1\.so" && return 0
  for dir in $LIB_DIRS; do
    for pattern in "$dir/$1.so" "$dir/$1".*dylib "$dir"/*/"$1.so"; do
      ls "$pattern"* >/dev/null 2>&1 && return 0
    done
  done
  return 1
}
have_lib libpango-1.0 || required="$required libpango-1.0-0"
have_lib libpangoft2-1.0 || required="$required libpangoft2-1.0-0"
have_lib libharfbuzz-subset || recommended="$recommended libharfbuzz-subset0"
if [ "$PURPOSE" = test ]; then
  command -v chromium >/dev/null 2>&1 || required="$required chromium"
  command -v strace >/dev/null 2>&1 || recommended="$recommended strace"
  command -v qpdf >/dev/null 2>&1 || recommended="$recommended qpdf"
fi

wanted="$required$recommended"
[ -z "$wanted" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  if [ -n "$required" ]; then
    echo "error: missing system packages:$required" >&2
    case "$required" in *pango*)
      echo "       Pango, which WeasyPrint lays out text with: on macOS brew install pango; elsewhere see https://doc.courtbouillon.org/weasyprint/stable/first_steps.html" >&2
      ;;
    esac
    case "$required" in *chromium*)
      echo "       Chromium, which the browser tests drive: install it so that the chromium command is on PATH" >&2
      ;;
    esac
    exit 1
  fi
  echo "note: optional:$recommended (faster font subsets; the strace test is skipped without strace, and qpdf's check without qpdf)" >&2
  exit 0
fi

if [ "$(id -u)" = 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  as_root="sudo"
else
  as_root="none"
fi

if [ "${BROCHURE_NO_INSTALL:-}" != 1 ] && [ "$as_root" != none ]; then
  echo "installing system packages:$wanted"
  export DEBIAN_FRONTEND=noninteractive
  if $as_root apt-get install -y -q --no-install-recommends $wanted >/dev/null 2>&1 ||
    { echo "the package lists may be out of date: apt-get update, then install again" &&
      $as_root apt-get update -q >/dev/null 2>&1 &&
      $as_root apt-get install -y -q --no-install-recommends $wanted >/dev/null 2>&1; }; then
    echo "installed:$wanted"
    exit 0
  fi
  if [ -z "$required" ]; then
    echo "warning: could not install the optional$recommended; going on without" >&2
    exit 0
  fi
  echo "error: apt-get could not install$wanted; try: sudo apt-get install$wanted" >&2
  exit 1
fi

if [ -n "$required" ]; then
  echo "error: missing system packages:$required; install them with: sudo apt-get install$wanted" >&2
  exit 1
fi
echo "note: optional packages missing:$recommended (install with: sudo apt-get install$recommended)" >&2
exit 0
