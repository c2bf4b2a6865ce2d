#!/bin/bash
# Glance from PyPI in a venv of its own beside the project's (its pins would
# clash with the project's oslo libraries), with gunicorn to serve it (Glance
# 33 has no standalone server any more: glance-api only says to deploy
# glance.wsgi.api:application under a WSGI server) and PyMySQL for its
# database on the tests' MariaDB, for
# tests/integration/test_glance_backend.py (tests/integration/glance_service.py).
#
# Idempotent: the venv is rebuilt only when the requirements changed (a stamp
# file in the venv).
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
GLANCE_VENV=${GLANCE_VENV:-.venv-glance}
REQUIREMENTS="glance==33.0.0 gunicorn==27.0.1 PyMySQL==1.2.4"

stamp="$GLANCE_VENV/.installed-$(echo "$REQUIREMENTS" | sha256sum | cut -c1-16)"
[ -f "$stamp" ] && exit 0
echo "Installing $REQUIREMENTS into $GLANCE_VENV"
rm -rf "$GLANCE_VENV"
"$PYTHON" -m venv "$GLANCE_VENV"
"$GLANCE_VENV/bin/pip" install --quiet --upgrade pip
"$GLANCE_VENV/bin/pip" install --quiet $REQUIREMENTS
touch "$stamp"
