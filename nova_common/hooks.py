"""Hooks: plugins that run at fixed points of a server's life.

A hook is an object loaded from a stevedore entry point and enabled by
name, in order, in config:

- ``nova.compute.hooks`` (``[hooks] compute_hooks``), run by nova-compute.
  Points: ``before_build``, ``after_build``, ``build_failed``,
  ``before_delete``, ``after_delete``, ``delete_failed`` and, around each
  power action (named as its notification: ``power_off``, ``power_on``,
  ``reboot``, ``pause``, ``unpause``, ``suspend``, ``resume``),
  ``before_<action>``, ``after_<action>``, ``<action>_failed``. Other code
  calls ``run(context, 'before_rebuild', instance)`` for points of its own.
- ``nova.api.hooks`` (``[hooks] api_hooks``), run by nova-api: point
  ``before_create``, which may refuse the request by raising
  ``RequestRefused``.

A hook implements the points it wants as methods
``point(context, instance, **details)`` (``before_create(context,
request)`` for API hooks): ``context`` is a plain dict (request_id,
global_request_id, project_id, user_id, roles, is_admin), ``instance`` a
plain copy of the instance (each hook gets its own). The failure points get
``error``, a string.

A hook never fails the operation it watches: whatever it raises (but a
create hook's ``RequestRefused``) is logged. Hooks run on a small pool of
daemon threads (``[hooks] max_workers``); the caller waits at most
``[hooks] timeout`` seconds for one point's hooks, then goes on and leaves
them running. So a point's hooks run in order, one point after the other
for an instance unless one timed out, and a hung hook costs each later
operation at most the timeout, never a thread of the service. With no
hooks configured, nothing is copied and no thread is involved.
"""
from concurrent import futures
import copy
import functools
import queue
import threading

from oslo_log import log as logging
from oslo_serialization import jsonutils
from stevedore import named

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common import exception

LOG = logging.getLogger(__name__)

COMPUTE = 'nova.compute.hooks'
API = 'nova.api.hooks'
_OPTION = {COMPUTE: 'compute_hooks', API: 'api_hooks'}

# Calls that may wait for a busy thread, per thread, before points are
# skipped: hooks that hang must not pile up calls without end.
QUEUE_PER_WORKER = 4


class RequestRefused(Exception):
    """Raised by a ``nova.api.hooks`` hook to refuse a request: the caller
    gets ``code`` (400 or 403) with ``message`` as a Nova fault."""

    def __init__(self, message, code=403):
        if code not in (400, 403):
            raise ValueError('a refused request answers 400 or 403, not %r' % (code,))
        super().__init__(message)
        self.message = str(message)
        self.code = code


_loaded = {}
_load_lock = threading.Lock()
_pool = None
_pool_lock = threading.Lock()


def load(namespace):
    """[(name, hook)] of the hooks enabled for ``namespace``, in config
    order, loaded once; ConfigError naming any that cannot be loaded."""
    names = tuple(getattr(CONF.hooks, _OPTION[namespace]))
    key = (namespace, names)
    hooks = _loaded.get(key)
    if hooks is not None:
        return hooks
    with _load_lock:
        if key not in _loaded:
            _loaded[key] = _load(namespace, names) if names else []
        return _loaded[key]


def _load(namespace, names):
    missing = []
    failures = []
    manager = named.NamedExtensionManager(
        namespace, names=list(names), invoke_on_load=True, name_order=True,
        on_missing_entrypoints_callback=missing.extend,
        on_load_failure_callback=lambda _manager, entry_point, error:
            failures.append('%s (%s)' % (entry_point.name, error)))
    if missing or failures:
        problems = ['%s not installed' % name for name in sorted(missing)] + failures
        raise exception.ConfigError(
            reason='[hooks] %s: cannot load %s from the "%s" entry points'
            % (_OPTION[namespace], ', '.join(problems), namespace))
    LOG.info('Hooks enabled from %s: %s', namespace, ', '.join(names))
    return [(extension.name, extension.obj) for extension in manager]


def context_data(context):
    """The request context as hooks see it: a plain dict."""
    return {'request_id': context.request_id,
            'global_request_id': context.global_request_id,
            'project_id': context.project_id, 'user_id': context.user_id,
            'roles': list(context.roles), 'is_admin': bool(context.is_admin)}


def run(context, point, instance, **details):
    """Run the compute hooks of ``point`` on ``instance`` (a dict); never
    raises, waits at most [hooks] timeout."""
    try:
        _run_point(load(COMPUTE), point, context, instance, details, refusable=False)
    except Exception:  # noqa: BLE001 - a hook never fails the operation
        LOG.exception('Running the %s hooks of instance %s failed', point,
                      instance.get('uuid'))


def check_create(context, request):
    """Run the API hooks' ``before_create`` on ``request`` (the server body
    with its resolved flavor and image); raises Forbidden or Invalid with
    the message of a hook that refused it."""
    refusal = _run_point(load(API), 'before_create', context, request, {}, refusable=True)
    if refusal is not None:
        name, error = refusal
        LOG.info('Hook %s refused the creation of servers: %s', name, error.message)
        raised = exception.Forbidden if error.code == 403 else exception.Invalid
        raise raised(error.message)


def _run_point(hooks, point, context, subject, details, refusable):
    methods = [(name, getattr(hook, point)) for name, hook in hooks
               if callable(getattr(hook, point, None))]
    if not methods:
        return None
    job = _Job(methods, point, context_data(context),
               jsonutils.to_primitive(subject, convert_instances=True), details, refusable)
    future = _get_pool().submit(functools.partial(nova_context.run_as_current, context, job))
    if future is None:
        LOG.error('Skipping the %s hooks of %s: every hook thread is busy and %d calls '
                  'wait already (hooks that hang?)', point, job.about,
                  CONF.hooks.max_workers * QUEUE_PER_WORKER)
        return None
    try:
        return future.result(timeout=CONF.hooks.timeout)
    except futures.TimeoutError:
        LOG.warning('The %s hook %s of %s did not finish within %ss; going on without it',
                    point, job.running, job.about, CONF.hooks.timeout)
        return None


class _Job:
    """One point's hooks, in order, each on its own copy of the data."""

    def __init__(self, methods, point, context, subject, details, refusable):
        self.methods = methods
        self.point = point
        self.context = context
        self.subject = subject
        self.details = details
        self.refusable = refusable
        self.about = ('instance %s' % subject['uuid']
                      if isinstance(subject, dict) and 'uuid' in subject else 'the request')
        self.running = None

    def __call__(self):
        for name, method in self.methods:
            self.running = name
            try:
                method(copy.deepcopy(self.context), copy.deepcopy(self.subject),
                       **self.details)
            except RequestRefused as refusal:
                if self.refusable:
                    return name, refusal
                LOG.error('The %s hook %s of %s refused, which only create hooks may: %s',
                          self.point, name, self.about, refusal)
            except Exception:  # noqa: BLE001 - a hook never fails the operation
                LOG.exception('The %s hook %s of %s failed', self.point, name, self.about)
        self.running = None
        return None


def _get_pool():
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = _Pool(CONF.hooks.max_workers)
    return _pool


class _Pool:
    """A fixed number of daemon threads (a hook that hangs must not keep
    the process from exiting, as ThreadPoolExecutor's threads would) with
    a bounded queue: ``submit`` returns None when it is full."""

    def __init__(self, workers):
        self._jobs = queue.Queue(maxsize=workers * QUEUE_PER_WORKER)
        for number in range(workers):
            threading.Thread(target=self._work, name='hooks-%d' % number,
                             daemon=True).start()

    def submit(self, func):
        future = futures.Future()
        try:
            self._jobs.put_nowait((future, func))
        except queue.Full:
            return None
        return future

    def _work(self):
        while True:
            future, func = self._jobs.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(func())
            except BaseException as error:  # noqa: BLE001 - handed to the caller
                future.set_exception(error)
