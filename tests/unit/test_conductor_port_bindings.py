"""The cell conductor binds a server's ports where an instance update puts
it, and only then; a failed binding does not undo the update."""
from unittest import mock

from nova_conductor import port_bindings


@mock.patch.object(port_bindings.ledger_access, 'available', return_value=True)
@mock.patch.object(port_bindings.network_api, 'rebind')
def test_a_new_host_binds_the_ports_there(rebind, _available):
    port_bindings.follow_host('ctx', 'uuid-1', {'host': 'host2', 'node': 'host2'})
    rebind.assert_called_once_with('ctx', 'uuid-1', 'host2')


@mock.patch.object(port_bindings.ledger_access, 'available', return_value=True)
@mock.patch.object(port_bindings.network_api, 'rebind')
def test_updates_without_a_host_bind_nothing(rebind, _available):
    port_bindings.follow_host('ctx', 'uuid-1', {'task_state': None})
    port_bindings.follow_host('ctx', 'uuid-1', {'host': None, 'node': None})
    rebind.assert_not_called()


@mock.patch.object(port_bindings.ledger_access, 'available', return_value=False)
@mock.patch.object(port_bindings.network_api, 'rebind')
def test_a_conductor_without_the_api_database_binds_nothing(rebind, _available):
    port_bindings.follow_host('ctx', 'uuid-1', {'host': 'host2'})
    rebind.assert_not_called()


@mock.patch.object(port_bindings.ledger_access, 'available', return_value=True)
@mock.patch.object(port_bindings.network_api, 'rebind', side_effect=RuntimeError('db gone'))
def test_a_failed_binding_is_logged_only(rebind, _available):
    with mock.patch.object(port_bindings.LOG, 'exception') as logged:
        port_bindings.follow_host('ctx', 'uuid-1', {'host': 'host2'})
    rebind.assert_called_once_with('ctx', 'uuid-1', 'host2')
    assert 'uuid-1' in logged.call_args[0]
