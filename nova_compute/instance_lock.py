"""One lock per instance on a compute host: a build and a delete of the
same instance never run at once, so delete always sees a finished build."""
from oslo_concurrency import lockutils


def locked(instance_uuid):
    return lockutils.lock('instance-%s' % instance_uuid)
