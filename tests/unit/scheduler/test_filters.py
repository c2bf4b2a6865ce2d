"""Each host filter on its own: what passes, what does not, and the reason
a removal is reported with."""
import pytest

from nova_scheduler.filters import availability_zone_filter
from nova_scheduler.filters import compute_capabilities_filter
from nova_scheduler.filters import compute_filter
from nova_scheduler.filters import core_filter
from nova_scheduler.filters import disk_filter
from nova_scheduler.filters import image_props_filter
from nova_scheduler.filters import ram_filter
from tests.unit.scheduler.fakes import make_host
from tests.unit.scheduler.fakes import make_spec


class TestComputeFilter:
    def test_up_and_enabled_passes(self):
        assert compute_filter.ComputeFilter().host_passes(make_host(), make_spec())

    @pytest.mark.parametrize('host_kwargs', [{'up': False}, {'disabled': True},
                                             {'service': False}])
    def test_down_disabled_or_unknown_service_fails(self, host_kwargs):
        host = make_host(**host_kwargs)
        assert not compute_filter.ComputeFilter().host_passes(host, make_spec())

    def test_forced_down_fails(self):
        host = make_host()
        host.service['forced_down'] = True
        assert not compute_filter.ComputeFilter().host_passes(host, make_spec())

    def test_reason(self):
        assert compute_filter.ComputeFilter().removal_reason([make_host()], make_spec()) == \
            'down or disabled'


class TestRamFilter:
    def test_reserved_memory_is_not_handed_out(self, clean_config):
        # 16384 MB total, 512 reserved by default, ratio 1.0
        ram = ram_filter.RamFilter()
        assert ram.host_passes(make_host(memory_mb=16384), make_spec(memory_mb=15872))
        assert not ram.host_passes(make_host(memory_mb=16384), make_spec(memory_mb=15873))

    def test_usage_from_the_ledger_counts(self):
        host = make_host(memory_mb=8192, used={'MEMORY_MB': 6144})
        ram = ram_filter.RamFilter()
        assert ram.host_passes(host, make_spec(memory_mb=1536))
        assert not ram.host_passes(host, make_spec(memory_mb=2048))

    def test_ratio_of_the_node_overcommits(self, clean_config):
        clean_config.set_override('reserved_host_memory_mb', 0)
        host = make_host(memory_mb=4096, ram_allocation_ratio=1.5, used={'MEMORY_MB': 4096})
        assert ram_filter.RamFilter().host_passes(host, make_spec(memory_mb=2048))
        assert not ram_filter.RamFilter().host_passes(host, make_spec(memory_mb=2049))

    def test_one_instance_never_exceeds_the_physical_total(self, clean_config):
        clean_config.set_override('reserved_host_memory_mb', 0)
        host = make_host(memory_mb=4096, ram_allocation_ratio=4.0)
        assert not ram_filter.RamFilter().host_passes(host, make_spec(memory_mb=8192))

    def test_reason_names_need_and_largest_free(self):
        hosts = [make_host(memory_mb=2560), make_host(memory_mb=1536, used={'MEMORY_MB': 512})]
        reason = ram_filter.RamFilter().removal_reason(hosts, make_spec(memory_mb=4096))
        assert reason == 'need 4096 MB, largest free 2048 MB'


class TestCoreFilter:
    def test_initial_cpu_ratio_is_four(self):
        host = make_host(vcpus=2, used={'VCPU': 7})
        assert core_filter.CoreFilter().host_passes(host, make_spec(vcpus=1))
        assert not core_filter.CoreFilter().host_passes(host, make_spec(vcpus=2))

    def test_configured_ratio_applies_when_the_node_reports_none(self, clean_config):
        clean_config.set_override('cpu_allocation_ratio', 1.0)
        host = make_host(vcpus=4, used={'VCPU': 3})
        assert not core_filter.CoreFilter().host_passes(host, make_spec(vcpus=2))

    def test_more_vcpus_than_the_host_has_never_fit(self):
        host = make_host(vcpus=4)
        assert not core_filter.CoreFilter().host_passes(host, make_spec(vcpus=5))

    def test_reason(self):
        reason = core_filter.CoreFilter().removal_reason(
            [make_host(vcpus=2, used={'VCPU': 6})], make_spec(vcpus=4))
        assert reason == 'need 4 VCPU, largest free 2 VCPU'


class TestDiskFilter:
    def test_root_ephemeral_and_swap_count(self):
        host = make_host(local_gb=10)
        disk = disk_filter.DiskFilter()
        assert disk.host_passes(host, make_spec(root_gb=5, ephemeral_gb=4, swap=1024))
        assert not disk.host_passes(host, make_spec(root_gb=5, ephemeral_gb=4, swap=1025))

    def test_flavor_without_disk_passes_a_full_host(self):
        host = make_host(local_gb=10, used={'DISK_GB': 10})
        assert disk_filter.DiskFilter().host_passes(host, make_spec(root_gb=0))

    def test_reason(self):
        reason = disk_filter.DiskFilter().removal_reason(
            [make_host(local_gb=20)], make_spec(root_gb=40))
        assert reason == 'need 40 GB, largest free 20 GB'


class TestAvailabilityZoneFilter:
    def test_no_zone_requested_passes(self):
        assert availability_zone_filter.AvailabilityZoneFilter().host_passes(
            make_host(), make_spec())

    def test_default_zone_of_hosts(self, clean_config):
        az = availability_zone_filter.AvailabilityZoneFilter()
        assert az.host_passes(make_host(), make_spec(availability_zone='nova'))
        assert not az.host_passes(make_host(), make_spec(availability_zone='az2'))
        clean_config.set_override('default_availability_zone', 'az2')
        assert az.host_passes(make_host(), make_spec(availability_zone='az2'))

    def test_reason(self):
        assert availability_zone_filter.AvailabilityZoneFilter().removal_reason(
            [make_host()], make_spec(availability_zone='az2')) == 'not in availability zone az2'


class TestImagePropertiesFilter:
    def passes(self, host, **properties):
        return image_props_filter.ImagePropertiesFilter().host_passes(
            host, make_spec(image_properties=properties))

    def test_image_without_requirements_passes_anything(self):
        assert self.passes(make_host(cpu_info=None))

    def test_architecture(self):
        host = make_host(cpu_info='{"arch": "x86_64"}')
        assert self.passes(host, hw_architecture='x86_64')
        assert self.passes(host, hw_architecture='amd64')
        assert self.passes(host, architecture='x86_64')
        assert not self.passes(host, hw_architecture='aarch64')

    def test_hypervisor_type_and_vm_mode(self):
        qemu = make_host(hypervisor_type='QEMU')
        assert self.passes(qemu, img_hv_type='kvm', hw_vm_mode='hvm')
        assert self.passes(qemu, img_hv_type='qemu', hw_vm_mode='hv')
        assert not self.passes(qemu, img_hv_type='xen')
        assert not self.passes(qemu, hw_vm_mode='xen')

    def test_host_that_advertises_nothing_fails_a_requirement(self):
        assert not self.passes(make_host(cpu_info='{}'), hw_architecture='x86_64')

    def test_requested_hypervisor_version(self):
        host = make_host(hypervisor_type='QEMU', hypervisor_version=6002000)
        assert self.passes(host, img_hv_type='qemu', img_hv_requested_version='>=6.0,<7')
        assert not self.passes(host, img_hv_type='qemu', img_hv_requested_version='>=6.3')
        assert not self.passes(host, img_hv_type='qemu', img_hv_requested_version='nonsense')

    def test_reason(self):
        reason = image_props_filter.ImagePropertiesFilter().removal_reason(
            [make_host()], make_spec(image_properties={'hw_architecture': 'aarch64'}))
        assert reason == 'cannot run image with hw_architecture=aarch64'


class TestComputeCapabilitiesFilter:
    def passes(self, host, **extra_specs):
        return compute_capabilities_filter.ComputeCapabilitiesFilter().host_passes(
            host, make_spec(extra_specs=extra_specs))

    def test_scoped_attribute(self):
        host = make_host(hypervisor_type='QEMU')
        assert self.passes(host, **{'capabilities:hypervisor_type': 's== QEMU'})
        assert not self.passes(host, **{'capabilities:hypervisor_type': 's== xen'})

    def test_numeric_operators_on_free_ram(self):
        host = make_host(memory_mb=8704)
        assert self.passes(host, **{'capabilities:free_ram_mb': '>= 8192'})
        assert self.passes(host, **{'capabilities:free_ram_mb': '= 4096'})
        assert not self.passes(host, **{'capabilities:free_ram_mb': '<= 4096'})

    def test_nested_cpu_info_and_or(self):
        host = make_host(cpu_info='{"arch": "x86_64", "features": ["avx2", "sse4"]}')
        assert self.passes(host, **{'capabilities:cpu_info:arch': '<or> aarch64 <or> x86_64'})
        assert not self.passes(host, **{'capabilities:cpu_info:arch': '<or> aarch64 <or> ppc'})
        assert self.passes(host, **{'capabilities:cpu_info:features': '<in> avx2'})

    def test_stats(self):
        host = make_host(stats='{"gpu": "yes"}')
        assert self.passes(host, **{'capabilities:gpu': 'yes'})
        assert not self.passes(host, **{'capabilities:gpu': 'no'})

    def test_unscoped_keys_only_when_the_host_has_them(self):
        host = make_host(hypervisor_type='QEMU')
        assert self.passes(host, hypervisor_type='QEMU', unrelated_key='whatever')
        assert not self.passes(host, hypervisor_type='xen')

    def test_other_scopes_and_missing_capabilities(self):
        host = make_host()
        assert self.passes(host, **{'hw:cpu_policy': 'dedicated', 'resources:VCPU': '0'})
        assert not self.passes(host, **{'capabilities:no_such_thing': 'x'})

    def test_reason(self):
        reason = compute_capabilities_filter.ComputeCapabilitiesFilter().removal_reason(
            [make_host()], make_spec(extra_specs={'capabilities:hypervisor_type': 's== xen'}))
        assert reason == 'extra specs not met: capabilities:hypervisor_type=s== xen'
