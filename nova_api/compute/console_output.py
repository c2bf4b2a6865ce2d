"""os-getConsoleOutput: the guest's serial console log, asked of its
compute host (an RPC call on the cell's transport), cut to the last
``length`` lines here.

As in Nova: a server with no host yet is not ready (409), nor is one being
deleted or migrated (409); the state of the guest does not matter otherwise
(a stopped guest's log is still there). Control characters other than tab
and newline are removed from the text.
"""
import re

from nova_api.compute import compute_calls
from nova_api.compute import power
from nova_common import compute_states as states
from nova_common import exception

_LINE = re.compile(r'[^\n]*\n|[^\n]+\Z')
_CONTROL_CHARACTERS = re.compile('[\x00-\x08\x0b-\x1f]')
_REJECTED_TASKS = (states.DELETING, states.MIGRATING)


def tail(output, length):
    """The last ``length`` lines of ``output`` (each with its newline); all
    of it when ``length`` is None or negative."""
    if length is None or length < 0:
        return output
    if length == 0:
        return ''
    return ''.join(_LINE.findall(output)[-length:])


def clean(output):
    return _CONTROL_CHARACTERS.sub('', output)


def get_console_output(context, instance, length=None):
    power.require_host(instance)
    if instance.get('task_state') in _REJECTED_TASKS:
        raise exception.InstanceInvalidState(
            action='get_console_output', instance_uuid=instance['uuid'], attr='task_state',
            state=instance['task_state'])
    output = compute_calls.call(context, instance, 'get_console_output')
    return clean(tail(output, length))
