"""One step of an instance's life on this compute, announced: the
versioned notification ``instance.<action>.<phase>`` and the compute hooks
of that step (``before_<action>``, ``after_<action>``,
``<action>_failed`` with the error), always together and in that order.

Every task module (build, delete, power actions, rebuild, snapshot,
shelve, ...) announces its start, end and error through here, so that a
new action gets both its notifications and its hook points at once.
"""
from nova_common import hooks
from nova_common import notifications

_HOOK_POINTS = {'start': 'before_%s', 'end': 'after_%s', 'error': '%s_failed'}


def announce(context, host, instance, action, phase, fault=None, hook_action=None):
    """``phase``: 'start', 'end' or 'error' (``fault`` the exception);
    ``hook_action`` names the hook points when they differ from the
    notification's action (a build notifies ``create`` and calls the
    ``*_build`` hooks)."""
    notifications.instance_action(context, notifications.compute_publisher(host), instance,
                                  action, phase, fault=fault)
    details = {} if fault is None else {'error': str(fault)}
    hooks.run(context, _HOOK_POINTS[phase] % (hook_action or action), instance, **details)
