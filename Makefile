# make run   create .venv (if absent), install the project, start nova-allinone
# make test  install what the tests need (Debian packages too, when root),
#            start RabbitMQ/MariaDB if installed but stopped, run every tier
#
# Each install step is skipped when nothing it depends on changed.

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUN_ARGS ?=
PYTEST_ARGS ?= -n 4 --dist loadgroup --durations=15
TEST_PATHS ?= tests/unit tests/functional tests/integration
DEB_PACKAGES := gcc python3-dev python3-venv pkg-config libvirt-dev \
	libvirt-daemon-system qemu-system-x86 qemu-utils dnsmasq-base \
	rabbitmq-server mariadb-server chromium chromium-driver prometheus \
	nftables busybox

.PHONY: run test deb-packages services horizon glance genconfig genpolicy clean

run: $(VENV)/.installed-run
	$(BIN)/nova-allinone $(RUN_ARGS)

test: deb-packages services horizon glance $(VENV)/.installed-test
	@set +e; $(BIN)/python -m pytest $(PYTEST_ARGS) $(TEST_PATHS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; \
	exit $$status

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The openstack CLI comes along, to drive the all-in-one. libvirt-python
# (the libvirt driver's binding) builds against libvirt-dev: installed when
# the host has it, so the all-in-one can boot real guests.
$(VENV)/.installed-run: requirements.txt setup.cfg | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt -e . 'python-openstackclient>=6.0.0'
	if pkg-config --exists libvirt 2>/dev/null; then \
		$(BIN)/pip install --quiet 'libvirt-python>=9.0.0'; fi
	touch $@

# The example extension package goes in too, for its integration test
# (tests/integration/test_cmdb_hook.py); nothing uses it until config names it.
$(VENV)/.installed-test: requirements.txt test-requirements.txt setup.cfg \
		examples/cmdb-hook/pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt -r test-requirements.txt -e . \
		-e ./examples/cmdb-hook
	touch $@ $(VENV)/.installed-run

# Debian packages the tests use, installed only when running as root and
# only those missing (so a machine that has them never runs apt-get).
deb-packages:
	@if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
		echo "Not root or no apt-get: not installing Debian packages"; exit 0; fi; \
	missing=""; \
	for package in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q 'install ok installed' \
			|| missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# RabbitMQ, MariaDB, virtlogd and libvirtd for tests/integration: started
# (as root, without systemd) when installed but not answering.
services:
	@if [ "$$(id -u)" = 0 ]; then bash tools/setup-libvirt.sh; fi
	@port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$$1") 2>/dev/null; }; \
	wait_port() { for _ in $$(seq 60); do port_open $$1 && return 0; sleep 1; done; \
		echo "$$2 did not start"; return 1; }; \
	if [ "$$(id -u)" != 0 ]; then exit 0; fi; \
	if ! port_open 5672 && command -v rabbitmq-server >/dev/null; then \
		echo "Starting RabbitMQ"; rabbitmq-server -detached; wait_port 5672 RabbitMQ; fi; \
	if ! port_open 3306 && [ -x /usr/sbin/mariadbd ]; then \
		echo "Starting MariaDB"; \
		start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd; \
		wait_port 3306 MariaDB; fi; \
	if port_open 3306 && command -v mariadb >/dev/null; then \
		mariadb -uroot -e 'SET GLOBAL max_connections = GREATEST(@@max_connections, 1000)' \
			|| echo "Could not raise MariaDB's max_connections"; fi

# Keystone and Horizon, each in its own venv, for the dashboard test
# (tests/integration/test_horizon.py); the script skips what is up to date.
horizon:
	@if [ "$$(id -u)" = 0 ]; then bash tools/setup-horizon.sh; fi

# Glance (and gunicorn to serve it) in its own venv, for the image backend
# test against a real Glance (tests/integration/test_glance_backend.py).
glance:
	@if [ "$$(id -u)" = 0 ]; then bash tools/setup-glance.sh; fi

genconfig: $(VENV)/.installed-run
	$(BIN)/oslo-config-generator --config-file etc/nova-config-generator.conf

genpolicy: $(VENV)/.installed-run
	$(BIN)/oslopolicy-sample-generator --config-file etc/nova-policy-generator.conf

clean:
	rm -rf $(VENV) .venv-keystone .venv-horizon .venv-glance .pytest_cache etc/nova.conf.sample etc/policy.yaml.sample
