#!/bin/bash
# Keystone and Horizon from PyPI, each in its own venv beside the project's
# (their pins would clash with the project's .venv), for
# tests/integration/test_horizon.py; then a migrated Keystone database for
# the test to copy (.venv-keystone/template), and Horizon's static files
# collected and compressed once (offline) into .venv-horizon/static with the
# test's settings.
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

# A Keystone database migrated once (db_sync) with its fernet and credential
# key repositories, in .venv-keystone/template: each dashboard test run
# copies it and only bootstraps (tests/integration/horizon_cloud.py), instead
# of paying db_sync's hundred-odd migrations and two more keystone-manage
# runs every time. Made again with a new Keystone venv.
KEYSTONE_TEMPLATE=$KEYSTONE_VENV/template
template_stamp="$KEYSTONE_VENV/.template-$(stamp_of keystone==30.0.0 db_sync fernet credential)"
if [ ! -f "$template_stamp" ]; then
    echo "Migrating the template Keystone database"
    rm -rf "$KEYSTONE_VENV"/.template-* "$KEYSTONE_TEMPLATE"
    mkdir -p "$KEYSTONE_TEMPLATE"
    template_dir="$PWD/$KEYSTONE_TEMPLATE"
    cat > "$KEYSTONE_TEMPLATE/keystone.conf" <<EOF
[DEFAULT]
log_file = $template_dir/keystone-manage.log
[database]
connection = sqlite:///$template_dir/keystone.db
[fernet_tokens]
key_repository = $template_dir/fernet-keys
[credential]
key_repository = $template_dir/credential-keys
EOF
    keystone_manage() {
        "$KEYSTONE_VENV/bin/keystone-manage" --config-file "$KEYSTONE_TEMPLATE/keystone.conf" "$@"
    }
    owner=(--keystone-user "$(id -u)" --keystone-group "$(id -g)")
    keystone_manage db_sync
    keystone_manage fernet_setup "${owner[@]}"
    keystone_manage credential_setup "${owner[@]}"
    touch "$template_stamp"
fi

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
