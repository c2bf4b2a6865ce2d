"""os-interface attach and detach from the API, as Nova's compute API does
them: the server's lock (409), a state that allows it (ACTIVE, PAUSED or
STOPPED with no task; 409), the instance action, then the port made or
bound here (computes have no network database), the hot-plug asked of
the compute (an RPC call), and the port deleted or unbound again when the
compute could not plug it: nothing is left half-attached."""
from nova_api.compute import compute_calls
from nova_api.compute import lookup
from nova_api.compute import power
from nova_api.compute import state_checks
from nova_common import compute_states as states
from nova_common import context as nova_context
from nova_common.db.api import instance_actions
from nova_common import exception
from nova_common.network import backend
from nova_common.network import interfaces as network_interfaces

ALLOWED_VM_STATES = (states.ACTIVE, states.PAUSED, states.STOPPED)
# What the compute raises, raised again here as fresh local exceptions (a
# remote one's text carries the compute's traceback).
_COMPUTE_ERRORS = (exception.AttachInterfaceNotSupported,
                   exception.NetworkInterfaceTaggedAttachNotSupported,
                   exception.HypervisorRefused)


def _begin(context, instance, action):
    state_checks.check_lock(context, instance)
    state_checks.require_state(instance, action, ALLOWED_VM_STATES, no_task=True)
    power.require_host(instance)
    cell = lookup.cell_of(context, instance)
    with nova_context.target_cell(context, cell) as cell_context:
        instance_actions.start(cell_context, instance['uuid'], action, context.request_id,
                               context.user_id, context.project_id)


def _call_compute(context, instance, method, port):
    try:
        compute_calls.call(context, instance, method, vif=dict(
            port, tag=network_interfaces.tag_of(port)))
    except _COMPUTE_ERRORS as error:
        raise type(error)(**error.kwargs)


def attach(context, instance, network_id=None, port_id=None, fixed_ip=None, tag=None):
    """The port attached to the server (the network service's dict)."""
    backend.require_builtin()
    _begin(context, instance, 'attach_interface')
    port = network_interfaces.prepare(context, instance, network_id=network_id,
                                      port_id=port_id, fixed_ip=fixed_ip, tag=tag)
    try:
        _call_compute(context, instance, 'attach_interface', port)
    except Exception:
        network_interfaces.release(context, port)
        raise
    return port


def detach(context, instance, port_id):
    backend.require_builtin()
    state_checks.check_lock(context, instance)
    state_checks.require_state(instance, 'detach_interface', ALLOWED_VM_STATES, no_task=True)
    try:
        port = network_interfaces.server_port(context, instance['uuid'], port_id)
    except exception.NotFound:
        raise network_interfaces.PortNotFound('Port %s is not attached' % port_id)
    _begin(context, instance, 'detach_interface')
    _call_compute(context, instance, 'detach_interface', port)
    network_interfaces.release(context, port)
