"""Running the control plane the way an operator does: real processes,
RabbitMQ vhosts, MariaDB databases, config files, nova-manage and the
``openstack`` CLI.

Everything here is plain functions and small classes so that any
integration test can compose its own deployment::

    daemon = start_daemon('nova-conductor', config_file, workdir)
    ...
    daemon.stop()          # SIGTERM; asserts it exited within 15 s

Under ``CI=true`` a missing service fails the test (``require``); elsewhere
the test is skipped with the reason.
"""
import concurrent.futures
import configparser
import json
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

BIN_DIR = pathlib.Path(sys.executable).parent
STOP_TIMEOUT = 15
RABBIT_HOST = os.environ.get('NOVA_TEST_RABBIT_HOST', '127.0.0.1')
RABBIT_PORT = int(os.environ.get('NOVA_TEST_RABBIT_PORT', '5672'))
RABBIT_USER = os.environ.get('NOVA_TEST_RABBIT_USER', 'guest')
RABBIT_PASSWORD = os.environ.get('NOVA_TEST_RABBIT_PASSWORD', 'guest')
MYSQL_HOST = os.environ.get('NOVA_TEST_MYSQL_HOST', '127.0.0.1')
MYSQL_PORT = int(os.environ.get('NOVA_TEST_MYSQL_PORT', '3306'))
MYSQL_USER = os.environ.get('NOVA_TEST_MYSQL_USER', 'root')
MYSQL_PASSWORD = os.environ.get('NOVA_TEST_MYSQL_PASSWORD', '')

# Every daemon still running, so a failing test can show their logs.
RUNNING_DAEMONS = []


def in_ci():
    return os.environ.get('CI', '').lower() == 'true'


def require(condition, reason):
    """Fail under CI, skip elsewhere, when something a test needs is missing."""
    if condition:
        return
    if in_ci():
        pytest.fail('%s (CI=true: a missing service is a failure)' % reason, pytrace=False)
    pytest.skip(reason)


def port_open(host, port, timeout=2.0):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def random_suffix():
    return secrets.token_hex(4)


def console_script(name):
    """Path of a console script installed in the venv running the tests."""
    path = BIN_DIR / name
    require(path.exists(), '%s is not installed in %s (pip install -e .)' % (name, BIN_DIR))
    return str(path)


# --- RabbitMQ ---------------------------------------------------------------

def vhost_definitions(vhost, user):
    """RabbitMQ definitions (JSON) of ``vhost`` with every permission for
    ``user``: ``rabbitmqctl import_definitions`` makes both in one run
    instead of two (each rabbitmqctl run boots an Erlang VM: a second or
    more of CPU)."""
    return json.dumps({
        'vhosts': [{'name': vhost}],
        'permissions': [{'user': user, 'vhost': vhost, 'configure': '.*', 'write': '.*',
                         'read': '.*'}],
    })


class RabbitMQ:
    """The local broker; each ``add_vhost`` makes a vhost the guest user can
    use, and ``cleanup`` deletes them."""

    def __init__(self):
        self.rabbitmqctl = (shutil.which('rabbitmqctl')
                            or shutil.which('rabbitmqctl', path='/usr/sbin:/sbin'))
        self.vhosts = []

    def check(self):
        require(self.rabbitmqctl, 'rabbitmqctl is not installed (Debian: rabbitmq-server)')
        require(port_open(RABBIT_HOST, RABBIT_PORT),
                'RabbitMQ does not answer on %s:%s' % (RABBIT_HOST, RABBIT_PORT))

    def _ctl(self, *args, stdin=None):
        result = subprocess.run([self.rabbitmqctl, '-q'] + list(args), capture_output=True,
                                text=True, timeout=60, input=stdin)
        require(result.returncode == 0,
                'rabbitmqctl %s failed: %s' % (' '.join(args), result.stderr.strip()))

    def add_vhost(self, label):
        """A new vhost; returns its transport URL."""
        vhost = 'nova_%s_%s' % (label, random_suffix())
        self._ctl('import_definitions', '--format', 'json',
                  stdin=vhost_definitions(vhost, RABBIT_USER))
        self.vhosts.append(vhost)
        return 'rabbit://%s:%s@%s:%s/%s' % (RABBIT_USER, RABBIT_PASSWORD, RABBIT_HOST,
                                            RABBIT_PORT, vhost)

    def cleanup(self):
        """Delete the vhosts, a few at once: each rabbitmqctl run is an
        Erlang VM of its own, seconds long at the end of a loaded run."""
        def delete(vhost):
            subprocess.run([self.rabbitmqctl, '-q', 'delete_vhost', vhost],
                           capture_output=True, timeout=60)
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(delete, self.vhosts))
        self.vhosts = []


# --- MariaDB ----------------------------------------------------------------

class MariaDB:
    """The local server, used as root; ``create_database`` makes a fresh
    database and returns its SQLAlchemy URL; ``cleanup`` drops them all."""

    def __init__(self):
        self.databases = []

    def _connect(self):
        import pymysql
        return pymysql.connect(host=MYSQL_HOST, port=MYSQL_PORT, user=MYSQL_USER,
                               password=MYSQL_PASSWORD, connect_timeout=5, autocommit=True)

    def check(self):
        try:
            self._connect().close()
        except Exception as error:  # noqa: BLE001 - any failure means "not usable"
            require(False, 'MariaDB does not answer as %s@%s:%s: %s'
                    % (MYSQL_USER, MYSQL_HOST, MYSQL_PORT, error))

    def url(self, database):
        credentials = MYSQL_USER + (':' + MYSQL_PASSWORD if MYSQL_PASSWORD else '')
        return 'mysql+pymysql://%s@%s:%s/%s?charset=utf8mb4' % (
            credentials, MYSQL_HOST, MYSQL_PORT, database)

    def create_database(self, label, name=None):
        """A new database named ``nova_<label>_<random>`` (or ``name``)."""
        name = name or 'nova_%s_%s' % (label, random_suffix())
        connection = self._connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute('CREATE DATABASE `%s` CHARACTER SET utf8mb4' % name)
        finally:
            connection.close()
        self.databases.append(name)
        return self.url(name)

    def connections_opened(self):
        """The server's count of connections opened since it started (all
        clients)."""
        connection = self._connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SHOW GLOBAL STATUS LIKE 'Connections'")
                return int(cursor.fetchone()[1])
        finally:
            connection.close()

    def query(self, database_url, sql, *params):
        """Rows of ``sql`` run in the database of ``database_url``."""
        name = database_url.rsplit('/', 1)[1].split('?')[0]
        connection = self._connect()
        try:
            connection.select_db(name)
            with connection.cursor() as cursor:
                cursor.execute(sql, params or None)
                return cursor.fetchall()
        finally:
            connection.close()

    def cleanup(self):
        if not self.databases:
            return
        connection = self._connect()
        try:
            with connection.cursor() as cursor:
                for name in self.databases:
                    cursor.execute('DROP DATABASE IF EXISTS `%s`' % name)
        finally:
            connection.close()
        self.databases = []


# --- configuration and nova-manage ------------------------------------------

def write_config(path, sections):
    """Write an ini file from {section: {option: value}}; returns the path."""
    parser = configparser.ConfigParser(interpolation=None)
    for section, options in sections.items():
        parser[section] = {key: str(value) for key, value in options.items()}
    path = pathlib.Path(path)
    with path.open('w') as stream:
        parser.write(stream)
    return str(path)


def nova_manage(config_file, *args, expect=0, timeout=120):
    """Run nova-manage; asserts the exit code unless ``expect`` is None."""
    command = [console_script('nova-manage'), '--config-file', str(config_file)]
    command += [str(arg) for arg in args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    return check_exit(result, expect)


def check_exit(result, expect):
    """``result`` (a CompletedProcess); asserts its exit code unless
    ``expect`` is None."""
    if expect is not None:
        assert result.returncode == expect, (
            '%s exited %s (expected %s)\nstdout:\n%s\nstderr:\n%s'
            % (' '.join(result.args), result.returncode, expect, result.stdout,
               result.stderr))
    return result


# --- daemons ----------------------------------------------------------------

class Daemon:
    """A console script running as its own process, output in ``log_path``."""

    def __init__(self, name, command, log_path, env=None):
        self.name = name
        self.command = command
        self.log_path = pathlib.Path(log_path)
        self._log = self.log_path.open('ab')
        self.process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=dict(os.environ, PYTHONUNBUFFERED='1', **(env or {})))
        RUNNING_DAEMONS.append(self)

    def alive(self):
        return self.process.poll() is None

    def log_tail(self, lines=40):
        try:
            text = self.log_path.read_text(errors='replace')
        except OSError:
            return ''
        return '\n'.join(text.splitlines()[-lines:])

    def describe(self, lines=40):
        return '--- %s (%s), last lines of %s ---\n%s' % (
            self.name, 'running' if self.alive() else 'exit %s' % self.process.returncode,
            self.log_path, self.log_tail(lines))

    def terminate(self):
        """Send SIGTERM (once; no-op when it already exited)."""
        if self in RUNNING_DAEMONS:
            RUNNING_DAEMONS.remove(self)
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
        self._terminated_at = time.monotonic()

    def wait_stopped(self, deadline):
        """Wait until ``deadline`` (time.monotonic()) for the exit that
        ``terminate`` asked for; AssertionError (after SIGKILL) when it did
        not come. Returns the exit code."""
        try:
            try:
                self.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError('%s did not exit within %.0f s of SIGTERM\n%s'
                                     % (self.name, deadline - self._terminated_at,
                                        self.describe()))
        finally:
            self._log.close()
        return self.process.returncode

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, then assert the process exited within ``timeout`` seconds."""
        self.terminate()
        return self.wait_stopped(time.monotonic() + timeout)


def stop_daemons(daemons):
    """Stop ``daemons`` all at once (SIGTERM to each, then wait for each);
    AssertionError naming every one that did not exit within STOP_TIMEOUT."""
    for daemon in daemons:
        daemon.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT
    failures = []
    for daemon in daemons:
        try:
            daemon.wait_stopped(deadline)
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, '\n'.join(failures)


def start_daemon(script, config_file, workdir, name=None, extra_args=(), wrapper=()):
    """Start console script ``script`` with ``--config-file config_file``;
    its output goes to ``workdir/<name>.log``. ``wrapper`` is put before the
    command (``nsenter ... --`` to start it on a namespaced test host)."""
    name = name or script
    command = list(wrapper) + [console_script(script), '--config-file',
                               str(config_file)] + list(extra_args)
    return Daemon(name, command, pathlib.Path(workdir) / ('%s.log' % name))


def wait_until(predicate, timeout, daemons=(), what='condition', interval=0.2):
    """Poll ``predicate`` until true; fail early, with logs, when a daemon dies."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        for daemon in daemons:
            if not daemon.alive():
                raise AssertionError('%s died while waiting for %s\n%s'
                                     % (daemon.name, what, daemon.describe()))
        if time.monotonic() > deadline:
            raise AssertionError('timed out after %s s waiting for %s\n%s' % (
                timeout, what, '\n'.join(daemon.describe() for daemon in daemons)))
        time.sleep(interval)


def http_get(url, headers=None, timeout=5):
    """(status, headers, parsed JSON body or None) of a GET; never raises for
    HTTP errors."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, response_headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, response_headers, body = error.code, error.headers, error.read()
    try:
        document = json.loads(body) if body else None
    except ValueError:
        document = None
    return status, response_headers, document


def wait_for_api(endpoint, daemon, timeout=90):
    """Wait until the API at ``endpoint`` (http://host:port) answers GET /."""
    def answers():
        try:
            return http_get(endpoint + '/', timeout=2)[0] == 200
        except OSError:
            return False
    wait_until(answers, timeout, daemons=[daemon], what='%s to answer GET /' % endpoint)


# --- the openstack CLI ------------------------------------------------------

class OpenStackCLI:
    """The real ``openstack`` client against one cloud of a clouds.yaml."""

    def __init__(self, clouds_yaml, cloud):
        self.clouds_yaml = str(clouds_yaml)
        self.cloud = cloud
        self.executable = console_script('openstack')

    def run(self, *args, expect=0, timeout=120):
        env = dict(os.environ, OS_CLIENT_CONFIG_FILE=self.clouds_yaml)
        for key in [key for key in env if key.startswith('OS_') and key != 'OS_CLIENT_CONFIG_FILE']:
            del env[key]
        command = [self.executable, '--os-cloud', self.cloud] + [str(arg) for arg in args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                env=env, stdin=subprocess.DEVNULL)
        if expect is not None:
            assert result.returncode == expect, (
                '%s exited %s (expected %s)\nstdout:\n%s\nstderr:\n%s'
                % (' '.join(command), result.returncode, expect, result.stdout, result.stderr))
        return result

    def json(self, *args):
        """Run a command with ``-f json`` and return the parsed output."""
        return json.loads(self.run(*(list(args) + ['-f', 'json'])).stdout)


def write_clouds_yaml(path, cloud, endpoint):
    """A clouds.yaml whose ``cloud`` talks to the compute API at ``endpoint``
    (http://host:port) with no authentication: the client sends the token
    "notused", which noauth2_default_admin makes the admin.

    The CLI builds an identity client for some compute commands (flavor
    create, keypair create/delete) even when it never calls it; with no
    Keystone, version discovery must still succeed somewhere, so identity
    points at the API root, which answers a version document. The image
    endpoint is nova-api's own /image (served with [image] backend=local),
    the network endpoint its /network (the built-in network service).
    """
    path = pathlib.Path(path)
    path.write_text(
        'clouds:\n'
        '  %s:\n'
        '    auth_type: none\n'
        '    compute_endpoint_override: %s/v2.1\n'
        '    image_endpoint_override: %s/image\n'
        '    network_endpoint_override: %s/network\n'
        '    identity_endpoint_override: %s/\n'
        "    identity_api_version: '3'\n"
        '    region_name: RegionOne\n' % (cloud, endpoint, endpoint, endpoint, endpoint))
    return str(path)
