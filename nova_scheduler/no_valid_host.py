"""The NoValidHost fault, worded for the operator who reads it in the
instance's fault: how many hosts there were and which step removed how
many of them, and why::

    No valid host was found. 12 hosts: ComputeFilter removed 2 (down or
    disabled), RamFilter removed 10 (need 4096 MB, largest free 2048 MB)
"""
from nova_common import exception


def _step(removal):
    text = '%s removed %d' % (removal.name, removal.count)
    return '%s (%s)' % (text, removal.reason) if removal.reason else text


def reason(total_hosts, removals, instance_index=0, instance_count=1):
    """The sentence after "No valid host was found." for ``removals``
    (filters.Removal tuples, in the order they applied)."""
    if not total_hosts:
        text = 'There are no compute nodes in any enabled cell.'
    else:
        text = '%d hosts: %s' % (total_hosts, ', '.join(_step(r) for r in removals))
    if instance_count > 1:
        text += ' (only %d of the %d instances requested fit)' % (instance_index,
                                                                  instance_count)
    return text


def error(total_hosts, removals, instance_index=0, instance_count=1):
    return exception.NoValidHost(
        reason=reason(total_hosts, removals, instance_index, instance_count))
