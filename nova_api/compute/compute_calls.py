"""Asking a server's compute host for an answer (an RPC call on its cell's
transport), with the faults the API answers when it cannot: a compute that
does not answer in time (ComputeServiceUnavailable), a guest gone meanwhile
(404), a driver or compute that lacks the method (501), a state the
compute refuses (409)."""
import oslo_messaging as messaging

from nova_api.compute import lookup
from nova_common import exception
from nova_compute import rpcapi as compute_rpcapi


def call(context, instance, method, **kwargs):
    """``ComputeAPI.<method>(context, host, instance, **kwargs)`` for the
    host of ``instance``. Remote Nova exceptions are raised again as fresh
    local ones: a remote one's text carries the compute's traceback."""
    cell = lookup.cell_of(context, instance)
    host = instance['host']
    client = compute_rpcapi.ComputeAPI.for_cell(cell)
    try:
        return getattr(client, method)(context, host, instance, **kwargs)
    except messaging.MessagingTimeout:
        raise exception.ComputeServiceUnavailable(host=host)
    except exception.InstanceNotFound:
        raise exception.InstanceNotFound(instance_id=instance['uuid'])
    except exception.InstanceInvalidState as error:
        raise exception.InstanceInvalidState(**error.kwargs)
    except NotImplementedError:
        raise exception.FeatureNotSupported()
    except messaging.RemoteError as error:
        if error.exc_type in ('NoSuchMethod', 'UnsupportedVersion', 'NotImplementedError'):
            raise exception.FeatureNotSupported()
        raise
