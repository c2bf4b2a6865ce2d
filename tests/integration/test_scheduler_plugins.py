"""Scheduler filters from a plugin package of their own
(examples/scheduler-plugins, pip-installed into the venv the daemons run
from) and enabled by name: GPUFilter sends VGPU flavors to the node that
has VGPUs free, BusinessSpreadFilter keeps one payments server per host
even within one multi-server request (the weighers here stack), and the
"No valid host" faults name them."""
import pathlib
import subprocess
import sys

import pytest

from nova_common.conf import filter_scheduler
from tests.integration import conftest
from tests.integration import harness

PLUGINS = pathlib.Path(__file__).parents[2] / 'examples' / 'scheduler-plugins'
NODES = {'compute-gpu', 'compute-plain-node1', 'compute-plain-node2'}


def _install_plugins():
    result = subprocess.run(
        [sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps',
         '--no-build-isolation', str(PLUGINS)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def _default_filters():
    [option] = [opt for opt in filter_scheduler.opts if opt.name == 'enabled_filters']
    return option.default


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbitmq, mariadb):
    _install_plugins()
    deployment = conftest.Deployment(tmp_path_factory.mktemp('plugins'), rabbitmq, mariadb)
    with deployment:
        # host_state_max_age 0: BusinessSpreadFilter counts the instances of
        # the cell databases, which a cached host state sees only later.
        sections = deployment.top_sections()
        sections['scheduler'] = dict(sections.get('scheduler', {}), host_state_max_age=0)
        sections['filter_scheduler'] = {
            'enabled_filters': ','.join(_default_filters() + ['GPUFilter', 'BusinessSpreadFilter']),
            'ram_weight_multiplier': -1.0, 'cpu_weight_multiplier': -1.0,
            'disk_weight_multiplier': -1.0}
        deployment.write_config('nova-top.conf', sections)
        deployment.set_up_cells()
        api = deployment.start('nova-api', deployment.top_config)
        deployment.start('nova-conductor', deployment.top_config, name='super-conductor')
        deployment.start('nova-scheduler', deployment.top_config)
        deployment.start('nova-conductor', deployment.cell_conductor_config, name='cell1-conductor')
        fake = {'vcpus': 8, 'memory_mb': 4096, 'local_gb': 20}
        deployment.start('nova-compute', deployment.compute_config(
            'compute-gpu', fake_driver=dict(fake, vgpus=2)), name='compute-gpu')
        deployment.start('nova-compute', deployment.compute_config(
            'compute-plain', fake_driver=dict(fake, nodes=2)), name='compute-plain')
        harness.wait_for_api(deployment.endpoint, api)
        yield deployment


@pytest.fixture(scope='module')
def sdk(cloud):
    connection = cloud.sdk()
    cloud.wait_for_nodes(connection, NODES)
    return connection


@pytest.fixture(scope='module')
def image(cloud, sdk):
    return cloud.raw_image(sdk, 'plugins')


def _flavor(sdk, name, extra_specs):
    flavor = sdk.compute.create_flavor(name=name, ram=256, vcpus=1, disk=1)
    sdk.compute.create_flavor_extra_specs(flavor, extra_specs)
    return flavor


def _boot(sdk, image, flavor, name, status='ACTIVE', **values):
    server = sdk.compute.create_server(name=name, image_id=image.id, flavor_id=flavor.id,
                                       networks='none', **values)
    return sdk.compute.wait_for_server(server, status=status, failures=[], wait=60,
                                       interval=0.5)


def _no_valid_host(sdk, image, flavor, name, **values):
    server = _boot(sdk, image, flavor, name, status='ERROR', **values)
    assert server.fault['message'].startswith('No valid host was found.'), server.fault
    return server.fault['message']


def _delete(sdk, servers):
    for server in servers:
        sdk.compute.delete_server(server)
    for server in servers:
        sdk.compute.wait_for_delete(server, wait=60, interval=0.5)


def test_gpu_filter_sends_vgpu_flavors_to_the_gpu_node(cloud, sdk, image, mariadb):
    flavor = _flavor(sdk, 'gpu.small', {'resources:VGPU': '2'})
    server = _boot(sdk, image, flavor, 'gpu-1')
    assert server.hypervisor_hostname == 'compute-gpu'
    assert mariadb.query(cloud.api_db, "SELECT used FROM allocations WHERE consumer_id = %s "
                         "AND resource_class = 'VGPU'", server.id) == ((2,),)
    message = _no_valid_host(sdk, image, flavor, 'gpu-2')
    assert 'GPUFilter removed 3 (need 2 VGPU, largest free 0 VGPU)' in message, message
    _delete(sdk, [server, sdk.compute.find_server('gpu-2')])


def test_business_spread_filter_spreads_one_request_and_then_refuses(cloud, sdk, image):
    flavor = _flavor(sdk, 'payments.small', {'business_tag': 'payments',
                                             'business_max_per_host': '1'})
    tagged = {'business_tag': 'payments'}
    _boot(sdk, image, flavor, 'payments', min_count=3, metadata=tagged)
    servers = list(sdk.compute.servers(name='payments'))
    servers = [sdk.compute.wait_for_server(s, wait=60, interval=0.5) for s in servers]
    assert sorted(s.hypervisor_hostname for s in servers) == sorted(NODES)

    message = _no_valid_host(sdk, image, flavor, 'payments-4', metadata=tagged)
    assert ('BusinessSpreadFilter removed 3 (each has 1 or more business_tag=payments '
            'instances, at most 1 per host)') in message, message
    message = _no_valid_host(sdk, image, flavor, 'untagged')
    assert ('BusinessSpreadFilter removed 3 (the flavor is for business_tag=payments: '
            'the server needs that metadata)') in message, message
    _delete(sdk, servers + [sdk.compute.find_server(name)
                            for name in ('payments-4', 'untagged')])
