#!/bin/bash
# Keystone and Horizon from PyPI, each in its own venv beside the project's
# (their pins would clash with the project's .venv), for
# tests/integration/test_horizon.py; then Horizon's static files collected
# and compressed once (offline) into .venv-horizon/static with the test's
# settings.
#
# Idempotent: a venv is rebuilt only when its requirement changed, the static
# files only when the Horizon settings changed (stamp files in the venvs).
# Chromium and chromedriver come from Debian (the Makefile's DEB_PACKAGES).
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
KEYSTONE_VENV=.venv-keystone
HORIZON_VENV=.venv-horizon
SETTINGS_DIR=tests/integration/horizon_settings

stamp_of() { echo "$@" | sha256sum | cut -c1-16; }

install() {  # venv requirement
    local venv=$1 requirement=$2 stamp
    stamp="$venv/.installed-$(stamp_of "$requirement")"
    [ -f "$stamp" ] && return 0
    echo "Installing $requirement into $venv"
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet "$requirement"
    touch "$stamp"
}

install "$KEYSTONE_VENV" keystone==30.0.0
install "$HORIZON_VENV" horizon==27.0.0

static_stamp="$HORIZON_VENV/.static-$(sha256sum < "$SETTINGS_DIR/local/local_settings.py" | cut -c1-16)"
if [ ! -f "$static_stamp" ]; then
    echo "Collecting and compressing Horizon's static files"
    rm -rf "$HORIZON_VENV"/.static-* "$HORIZON_VENV/static"
    export DJANGO_SETTINGS_MODULE=openstack_dashboard.settings
    export PYTHONPATH="$PWD/$SETTINGS_DIR"
    export HORIZON_TEST_STATIC_ROOT="$PWD/$HORIZON_VENV/static"
    "$HORIZON_VENV/bin/django-admin" collectstatic --noinput --verbosity 0
    "$HORIZON_VENV/bin/django-admin" compress --verbosity 0
    touch "$static_stamp"
fi
