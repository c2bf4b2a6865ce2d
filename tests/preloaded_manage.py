"""nova-manage without paying its imports on every run, for the functional
and the integration tiers (one implementation; tests/integration/
preloaded_manage.py adds the integration harness's checks).

Each run of the console script spends a second or two of CPU importing
oslo, SQLAlchemy and alembic before it does anything; a deployment's
set-up runs it five or six times and tests/functional/test_manage.py some
sixty times, on two cores. Here one helper process per test process
imports ``nova_common.cmd.manage`` once and forks a child for every run:
the child is still a process of its own that runs the console script's
``main()`` with the console script's ``sys.argv``, the caller's
environment and working directory, its output in files and its exit code
as the result, so what is tested is what an operator runs. The helper
imports nothing else and starts no thread before it forks. What happens
before ``main()`` (the imports, and anything they print) is not repeated
per run: tests of the entry point itself run the console script.

``run`` answers a CompletedProcess, like ``subprocess.run(...,
capture_output=True, text=True)``.
"""
import atexit
import contextlib
import json
import os
import pathlib
import selectors
import signal
import subprocess
import sys
import tempfile
import threading

# The helper: import nova-manage, then fork one child per request line
# ({"argv", "env", "cwd", "stdout", "stderr"}) and answer its exit code.
_HELPER = r'''
import json, logging, os, sys, traceback
from nova_common.cmd import manage


def run_child(request):
    for fd, path in ((1, request['stdout']), (2, request['stderr'])):
        os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.environ.clear()
    os.environ.update(request['env'])
    os.chdir(request['cwd'])
    sys.argv = request['argv']
    try:
        code = manage.main()
    except SystemExit as stop:
        code = stop.code
    except BaseException:
        traceback.print_exc()
        code = 1
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


for line in iter(sys.stdin.readline, ''):
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        run_child(request)
    _pid, status = os.waitpid(pid, 0)
    sys.stdout.write(json.dumps({'returncode': os.waitstatus_to_exitcode(status)}) + '\n')
    sys.stdout.flush()
'''


# The console script of the venv running the tests (what pip install -e .
# installed beside the interpreter).
NOVA_MANAGE = str(pathlib.Path(sys.executable).parent / 'nova-manage')


class PreloadedManage:
    """The helper process of this test process, started on first use; one
    run at a time."""

    def __init__(self):
        self._process = None
        self._lock = threading.Lock()

    def _helper(self):
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, '-c', _HELPER], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, text=True, start_new_session=True)
        return self._process

    def _reply(self, process, command, timeout):
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                self.close(kill=True)
                raise subprocess.TimeoutExpired(command, timeout)
        line = process.stdout.readline()
        if not line:
            self.close(kill=True)
            raise RuntimeError('the nova-manage helper exited while running %s'
                               % ' '.join(command))
        return json.loads(line)['returncode']

    def run(self, script, args, timeout):
        """Run console script ``script`` (its path) with ``args``; a
        CompletedProcess with its text output."""
        command = [script] + [str(arg) for arg in args]
        with self._lock, tempfile.TemporaryDirectory(prefix='nova-manage-') as tmp:
            output = {name: str(pathlib.Path(tmp) / name) for name in ('stdout', 'stderr')}
            process = self._helper()
            process.stdin.write(json.dumps(dict(output, argv=command, env=dict(os.environ),
                                                cwd=os.getcwd())) + '\n')
            process.stdin.flush()
            returncode = self._reply(process, command, timeout)
            return subprocess.CompletedProcess(
                command, returncode, *(pathlib.Path(output[name]).read_text(errors='replace')
                                       for name in ('stdout', 'stderr')))

    def close(self, kill=False):
        """Let the helper exit (end of its input), or kill it and its child."""
        process, self._process = self._process, None
        if process is None:
            return
        if kill:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        with contextlib.suppress(OSError):
            process.stdin.close()
        process.wait()
        process.stdout.close()


HELPER = PreloadedManage()
atexit.register(HELPER.close)


def run(args, timeout=120, script=NOVA_MANAGE):
    """Run console script ``script`` with ``args`` in a child of this test
    process's helper; a CompletedProcess with its exit code and text
    output."""
    return HELPER.run(script, args, timeout)
