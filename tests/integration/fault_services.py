"""A RabbitMQ node and a MariaDB server of their own, on free ports, in a
temporary directory, for the fault-injection tests: they are stopped,
killed, paused and restarted without touching the machine's own broker and
database (which the rest of the suite uses).

``FaultRabbitMQ`` and ``FaultMariaDB`` have the interface of
``harness.RabbitMQ`` and ``harness.MariaDB`` (``check``, ``add_vhost`` /
``create_database``, ``query``, ``cleanup``), so ``conftest.Deployment``
runs on them unchanged. A cell database may be reached through a
``HangingProxy``, a TCP relay that can stop relaying (a database that
accepts connections and never answers: the "hung cell database").

Use ``services(workdir)``: a context manager that starts both and removes
everything (processes and files), also when the start-up fails.
"""
import concurrent.futures
import contextlib
import os
import pathlib
import selectors
import shutil
import signal
import socket
import subprocess
import threading
import time

from tests.integration import harness

RABBITMQ_BIN = pathlib.Path('/usr/lib/rabbitmq/bin')
START_TIMEOUT = 60
STOP_TIMEOUT = 20


def _which(name, *extra_dirs):
    return shutil.which(name) or shutil.which(name, path=':'.join(extra_dirs or ('/usr/sbin',)))


def _wait_for_port(port, timeout, process, what):
    deadline = time.monotonic() + timeout
    while not harness.port_open('127.0.0.1', port, timeout=0.5):
        if process.poll() is not None:
            raise RuntimeError('%s exited with %s before listening on %d'
                               % (what, process.returncode, port))
        if time.monotonic() > deadline:
            raise RuntimeError('%s did not listen on %d within %d s' % (what, port, timeout))
        time.sleep(0.2)


def _wait_for_exit(process, timeout):
    """Wait for ``process``; SIGKILL its process group when it lingers."""
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        process.wait()


def _signal_group(process, signum):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


class _Server:
    """A server process started in a process group of its own (so that a
    kill reaches its helpers too), restartable."""

    name = 'server'

    def __init__(self, workdir):
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = None
        self.log_path = self.workdir / ('%s.log' % self.name)

    def _command(self):
        raise NotImplementedError

    def _env(self):
        return dict(os.environ)

    def start(self):
        assert not self.running(), '%s is already running' % self.name
        with self.log_path.open('ab') as log:
            self.process = subprocess.Popen(
                self._command(), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=self._env(), start_new_session=True)
        _wait_for_port(self.port, START_TIMEOUT, self.process, self.name)

    def running(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        """A clean shutdown (SIGTERM)."""
        if self.running():
            _signal_group(self.process, signal.SIGCONT)
            self.process.terminate()
            _wait_for_exit(self.process, STOP_TIMEOUT)

    def kill(self):
        """kill -9 of the server and its helpers."""
        if self.running():
            _signal_group(self.process, signal.SIGKILL)
            self.process.wait()

    def pause(self):
        """SIGSTOP: connections stay open, nothing answers."""
        _signal_group(self.process, signal.SIGSTOP)

    def resume(self):
        _signal_group(self.process, signal.SIGCONT)

    def restart(self, downtime=0.0, kill=False):
        """Stop (or kill -9), stay down ``downtime`` seconds, start again."""
        self.kill() if kill else self.stop()
        time.sleep(downtime)
        self.start()

    def log_tail(self, lines=30):
        try:
            return '\n'.join(self.log_path.read_text(errors='replace').splitlines()[-lines:])
        except OSError:
            return ''


class FaultRabbitMQ(_Server):
    """A RabbitMQ node named ``novafault<port>@localhost`` with its own
    AMQP and distribution ports, Mnesia and logs under ``workdir``; the
    user guest/guest, one vhost per ``add_vhost``. ``stop`` is a SIGTERM,
    which the node takes as a clean shutdown, as it takes ``rabbitmqctl
    stop`` (that costs an Erlang VM's boot more: seconds under load)."""

    name = 'rabbitmq'

    def __init__(self, workdir):
        super().__init__(workdir)
        self.port = harness.free_port()
        self.dist_port = harness.free_port()
        self.nodename = 'novafault%d@localhost' % self.port
        self.vhosts = []
        (self.workdir / 'rabbitmq.conf').write_text(
            'listeners.tcp.local = 127.0.0.1:%d\n' % self.port)
        # Instead of /etc/rabbitmq/rabbitmq-env.conf, which names the main node.
        (self.workdir / 'rabbitmq-env.conf').write_text('')
        (self.workdir / 'enabled_plugins').write_text('[].\n')

    def _env(self):
        env = dict(os.environ)
        env.update({
            # The Erlang cookie is created in (and read from) $HOME.
            'HOME': str(self.workdir),
            'RABBITMQ_CONF_ENV_FILE': str(self.workdir / 'rabbitmq-env.conf'),
            'RABBITMQ_CONFIG_FILE': str(self.workdir / 'rabbitmq.conf'),
            'RABBITMQ_ENABLED_PLUGINS_FILE': str(self.workdir / 'enabled_plugins'),
            'RABBITMQ_NODENAME': self.nodename,
            'RABBITMQ_NODE_PORT': str(self.port),
            'RABBITMQ_DIST_PORT': str(self.dist_port),
            'RABBITMQ_MNESIA_BASE': str(self.workdir / 'mnesia'),
            'RABBITMQ_LOG_BASE': str(self.workdir / 'log'),
            'RABBITMQ_PID_FILE': str(self.workdir / 'rabbitmq.pid'),
            'ERL_EPMD_ADDRESS': '127.0.0.1',
            # The distribution port on loopback only, as the main node's.
            'RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS':
                '-kernel inet_dist_use_interface {127,0,0,1}',
        })
        return env

    def _command(self):
        return [str(RABBITMQ_BIN / 'rabbitmq-server')]

    def check(self):
        harness.require((RABBITMQ_BIN / 'rabbitmq-server').exists(),
                        'rabbitmq-server is not installed (Debian: rabbitmq-server)')

    def ctl(self, *args, stdin=None):
        result = subprocess.run([str(RABBITMQ_BIN / 'rabbitmqctl'), '-q', '-n', self.nodename]
                                + list(args), capture_output=True, text=True, timeout=60,
                                env=self._env(), input=stdin)
        assert result.returncode == 0, 'rabbitmqctl %s: %s' % (' '.join(args), result.stderr)
        return result.stdout

    def start(self):
        super().start()
        # The AMQP listener opens before the node has finished booting.
        self.ctl('await_startup')

    def add_vhost(self, label):
        vhost = 'nova_%s' % label
        self.ctl('import_definitions', '--format', 'json',
                 stdin=harness.vhost_definitions(vhost, 'guest'))
        self.vhosts.append(vhost)
        return 'rabbit://guest:guest@127.0.0.1:%d/%s' % (self.port, vhost)

    def cleanup(self):
        self.vhosts = []


class FaultMariaDB(_Server):
    """A MariaDB server with a data directory under ``workdir``, its own
    port and socket; root with no password. The databases whose label is
    in ``proxied`` are reached through ``self.proxy``."""

    name = 'mariadb'

    def __init__(self, workdir, proxied=()):
        super().__init__(workdir)
        self.port = harness.free_port()
        self.datadir = self.workdir / 'data'
        self.proxied = set(proxied)
        self.proxy = None
        self.databases = []

    def check(self):
        harness.require(_which('mariadbd') and _which('mariadb-install-db', '/usr/bin'),
                        'mariadbd / mariadb-install-db are not installed (Debian: '
                        'mariadb-server)')

    def install(self):
        result = subprocess.run(
            [_which('mariadb-install-db', '/usr/bin'), '--no-defaults',
             '--datadir=%s' % self.datadir, '--user=root',
             '--auth-root-authentication-method=normal', '--skip-test-db'],
            capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, 'mariadb-install-db: %s' % result.stderr

    def _command(self):
        return [_which('mariadbd'), '--no-defaults', '--datadir=%s' % self.datadir,
                '--user=root', '--bind-address=127.0.0.1', '--port=%d' % self.port,
                '--socket=%s' % (self.workdir / 'mariadb.sock'),
                '--pid-file=%s' % (self.workdir / 'mariadb.pid'),
                '--max-connections=1000', '--innodb-buffer-pool-size=64M',
                '--innodb-log-file-size=16M', '--skip-log-bin', '--skip-name-resolve',
                '--innodb-flush-log-at-trx-commit=2']

    def start(self):
        if not self.datadir.exists():
            self.install()
        super().start()
        if self.proxied and self.proxy is None:
            self.proxy = HangingProxy(self.port)

    def _connect(self, database=None):
        import pymysql
        return pymysql.connect(host='127.0.0.1', port=self.port, user='root',
                               database=database, connect_timeout=5, read_timeout=30,
                               autocommit=True)

    def url(self, database, port=None):
        return 'mysql+pymysql://root@127.0.0.1:%d/%s?charset=utf8mb4' % (
            port or self.port, database)

    def create_database(self, label, name=None):
        name = name or 'nova_%s' % label
        connection = self._connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute('CREATE DATABASE `%s` CHARACTER SET utf8mb4' % name)
        finally:
            connection.close()
        self.databases.append(name)
        port = self.proxy.port if label in self.proxied else None
        return self.url(name, port)

    def query(self, database_url, sql, *params):
        """Rows of ``sql`` in the database of ``database_url`` (straight to
        the server, never through the proxy)."""
        name = database_url.rsplit('/', 1)[1].split('?')[0]
        connection = self._connect(name)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params or None)
                return cursor.fetchall()
        finally:
            connection.close()

    def cleanup(self):
        self.databases = []

    def close(self):
        if self.proxy is not None:
            self.proxy.close()
            self.proxy = None


class HangingProxy:
    """A TCP relay from a free local port to ``target_port``. ``hang()``
    stops relaying in both directions and leaves new connections unanswered
    (a database that hangs, not one that is down); ``release()`` relays
    again."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.create_server(('127.0.0.1', 0), backlog=256)
        self.port = self.listener.getsockname()[1]
        self.hung = threading.Event()
        self.closed = threading.Event()
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ, None)
        self.pending = []
        self.peers = {}
        self.thread = threading.Thread(target=self._run, name='hanging-proxy', daemon=True)
        self.thread.start()

    def hang(self):
        self.hung.set()

    def release(self):
        self.hung.clear()

    def _accept(self):
        client, _address = self.listener.accept()
        if self.hung.is_set():
            self.pending.append(client)
            return
        self._connect(client)

    def _connect(self, client):
        try:
            server = socket.create_connection(('127.0.0.1', self.target_port), timeout=5)
        except OSError:
            client.close()
            return
        for sock in (client, server):
            sock.setblocking(False)
        self.peers[client], self.peers[server] = server, client
        self.selector.register(client, selectors.EVENT_READ, 'relay')
        self.selector.register(server, selectors.EVENT_READ, 'relay')

    def _drop(self, sock):
        peer = self.peers.pop(sock, None)
        for one in (sock, peer):
            if one is None:
                continue
            self.peers.pop(one, None)
            with contextlib.suppress(KeyError, ValueError):
                self.selector.unregister(one)
            one.close()

    def _relay(self, sock):
        try:
            data = sock.recv(65536)
        except OSError:
            data = b''
        if not data:
            self._drop(sock)
            return
        try:
            self.peers[sock].setblocking(True)
            self.peers[sock].sendall(data)
            self.peers[sock].setblocking(False)
        except OSError:
            self._drop(sock)

    def _run(self):
        while not self.closed.is_set():
            if not self.hung.is_set() and self.pending:
                pending, self.pending = self.pending, []
                for client in pending:
                    self._connect(client)
            for key, _events in self.selector.select(timeout=0.1):
                if key.data is None:
                    self._accept()
                elif not self.hung.is_set():
                    self._relay(key.fileobj)
            if self.hung.is_set():
                # Nothing is read while hung: do not spin on readable sockets.
                time.sleep(0.05)

    def close(self):
        self.closed.set()
        self.thread.join(5)
        for sock in list(self.peers) + self.pending:
            with contextlib.suppress(OSError):
                sock.close()
        self.peers, self.pending = {}, []
        self.selector.close()
        self.listener.close()


@contextlib.contextmanager
def services(workdir, proxied=()):
    """A started FaultRabbitMQ and FaultMariaDB under ``workdir``; both
    stopped and their files removed on exit, also when starting failed."""
    workdir = pathlib.Path(workdir)
    rabbitmq = FaultRabbitMQ(workdir / 'rabbitmq')
    mariadb = FaultMariaDB(workdir / 'mariadb', proxied=proxied)
    rabbitmq.check()
    mariadb.check()
    try:
        # At once: the broker's boot and the database's install are
        # independent, each seconds long.
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            starts = [pool.submit(server.start) for server in (rabbitmq, mariadb)]
        for start in starts:
            start.result()
        yield rabbitmq, mariadb
    finally:
        for server in (rabbitmq, mariadb):
            if server.process is not None:
                server.resume()
            with contextlib.suppress(Exception):
                server.stop()
            server.kill()
        mariadb.close()
        shutil.rmtree(workdir, ignore_errors=True)
