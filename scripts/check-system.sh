#!/usr/bin/env sh
# Checks what `make` needs from the machine before creating the virtual environment.
# WeasyPrint lays out text with Pango and subsets fonts with HarfBuzz: both are system
# libraries that pip cannot install.
PYTHON="${PYTHON:-python3}"
missing=""

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "error: $PYTHON not found; install Python 3.11 or newer (sudo apt-get install python3 python3-venv)" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "error: brochure needs Python 3.11 or newer; $PYTHON is $("$PYTHON" -V 2>&1)" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  missing="$missing python3-venv"
fi
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1" || ls /usr/lib/*/"$1"* /usr/lib/"$1"* >/dev/null 2>&1; }
have_lib libpango-1.0.so.0 || missing="$missing libpango-1.0-0"
have_lib libpangoft2-1.0.so.0 || missing="$missing libpangoft2-1.0-0"
have_lib libharfbuzz-subset.so.0 || missing="$missing libharfbuzz-subset0"

if [ -n "$missing" ]; then
  echo "error: missing system packages:$missing" >&2
  echo "       install them with: sudo apt-get install$missing" >&2
  exit 1
fi
