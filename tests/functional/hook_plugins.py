"""Hooks and API extensions for the functional tests, registered as real
entry points by ``install`` (a dist-info directory put on sys.path, where
stevedore finds it as it finds an installed package)."""
import copy
import threading

from nova_api import handler
from nova_api import validation
from nova_common import hooks
from nova_common.policies import base
from nova_common import policy

DIST = 'nova_lite_test_plugins-1.0.dist-info'
ENTRY_POINTS = {
    'nova.compute.hooks': {
        'recorder': 'Recorder', 'second': 'SecondRecorder', 'raising': 'Raising',
        'hanging': 'Hanging', 'broken': 'NoSuchClass',
    },
    'nova.api.hooks': {
        'refusing': 'Refusing', 'raising_api': 'Raising', 'hanging_api': 'Hanging',
        'api_recorder': 'Recorder',
    },
    'nova.api.extensions': {
        'widgets': 'WIDGETS', 'route_clash': 'ROUTE_CLASH', 'shadowed': 'SHADOWED',
        'action_clash': 'ACTION_CLASH', 'rule_clash': 'RULE_CLASH',
    },
}

# (hook name, point, context, instance or request, details), in call order.
CALLS = []
# Hanging hooks wait for this; the tests set it when they end.
RELEASE = threading.Event()


def install(directory):
    """Write the dist-info that declares the entry points into
    ``directory`` (to be put on sys.path)."""
    dist = directory / DIST
    dist.mkdir()
    (dist / 'METADATA').write_text('Metadata-Version: 2.1\nName: nova-lite-test-plugins\n'
                                   'Version: 1.0\n')
    lines = []
    for group, names in ENTRY_POINTS.items():
        lines.append('[%s]' % group)
        lines.extend('%s = %s:%s' % (name, __name__, target) for name, target in names.items())
    (dist / 'entry_points.txt').write_text('\n'.join(lines) + '\n')


class Recorder:
    """Records every point it is called at (any ``before_``/``after_``/
    ``_failed`` point, and ``before_create``)."""
    name = 'recorder'

    def __getattr__(self, point):
        if not (point.startswith(('before_', 'after_')) or point.endswith('_failed')):
            raise AttributeError(point)

        def record(context, subject, **details):
            CALLS.append((self.name, point, context, copy.deepcopy(subject), details))
            subject['mutated_by_hook'] = True   # must not reach the next hook
        return record


class SecondRecorder(Recorder):
    name = 'second'


class Raising:
    def __getattr__(self, point):
        if point.startswith('__'):
            raise AttributeError(point)

        def fail(context, subject, **details):
            raise RuntimeError('hook failure at %s' % point)
        return fail


class Hanging:
    def __getattr__(self, point):
        if point.startswith('__'):
            raise AttributeError(point)

        def hang(context, subject, **details):
            RELEASE.wait(60)
        return hang


class Refusing:
    """Refuses servers named refuse-*, 403, and bad-*, 400."""

    def before_create(self, context, request):
        name = request['server']['name']
        if name.startswith('refuse-'):
            raise hooks.RequestRefused('Servers named %s are not welcome here (flavor %s).'
                                       % (name, request['flavor']['name']), 403)
        if name.startswith('bad-'):
            raise hooks.RequestRefused('Bad server name %s.' % name, 400)


# The API extension "widgets": a collection from 2.10 to 2.20, admin only,
# a create with a schema, and a server action from 2.50.
WIDGETS_POLICY = 'os_compute_api:os-widgets:%s'
_widget_schema = {
    'type': 'object',
    'properties': {'widget': {'type': 'object',
                              'properties': {'name': {'type': 'string', 'minLength': 1}},
                              'required': ['name'], 'additionalProperties': False}},
    'required': ['widget'], 'additionalProperties': False,
}
_widgetize_schema = {
    'type': 'object',
    'properties': {'widgetize': {'type': 'object',
                                 'properties': {'level': {'type': 'integer', 'minimum': 1}},
                                 'required': ['level'], 'additionalProperties': False}},
    'required': ['widgetize'], 'additionalProperties': False,
}


def list_widgets(req):
    policy.authorize(req.context, WIDGETS_POLICY % 'list')
    return {'widgets': [{'name': 'sprocket'}]}


@handler.response(201)
@validation.body(_widget_schema)
def create_widget(req):
    policy.authorize(req.context, WIDGETS_POLICY % 'create')
    return {'widget': {'name': req.body['widget']['name']}}


@validation.body(_widgetize_schema)
def widgetize(req, instance, argument):
    policy.authorize(req.context, WIDGETS_POLICY % 'widgetize',
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    return {'widgetized': instance['uuid'], 'level': argument['level']}


class _Extension:
    def __init__(self, routes=(), actions=None, rules=()):
        self.ROUTES = list(routes)
        self.ACTIONS = dict(actions or {})
        self._rules = list(rules)

    def list_rules(self):
        return self._rules


WIDGETS = _Extension(
    routes=[('GET', '/os-widgets', list_widgets, '2.10', '2.20'),
            ('POST', '/os-widgets', create_widget, '2.10', '2.20')],
    actions={'widgetize': (widgetize, '2.50', None)},
    rules=[base.rule(WIDGETS_POLICY % 'list', base.ADMIN, 'List widgets',
                     [('GET', '/os-widgets')]),
           base.rule(WIDGETS_POLICY % 'create', base.ADMIN, 'Create a widget',
                     [('POST', '/os-widgets')]),
           base.rule(WIDGETS_POLICY % 'widgetize', base.PROJECT_MEMBER_OR_ADMIN,
                     'Widgetize a server', [('POST', '/servers/{server_id}/action')])])
ROUTE_CLASH = _Extension(routes=[('GET', '/servers/{id}', list_widgets)])
SHADOWED = _Extension(routes=[('GET', '/servers/widgets', list_widgets)])
ACTION_CLASH = _Extension(actions={'reboot': (widgetize, None, None)})
RULE_CLASH = _Extension(rules=[base.rule('os_compute_api:servers:create', base.ADMIN,
                                         'Taken', [('POST', '/servers')])])
