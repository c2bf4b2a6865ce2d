"""Nova's operators for matching a capability against an extra spec."""
import pytest

from nova_scheduler.filters import extra_specs_ops


@pytest.mark.parametrize('capability, requirement, expected', [
    ('kvm', 'kvm', True),
    ('kvm', 'qemu', False),
    ('1024', '= 512', True),
    ('256', '= 512', False),
    ('512', '== 512', True),
    ('513', '!= 512', True),
    ('1024', '>= 1024', True),
    ('1023', '>= 1024', False),
    ('100', '<= 99', False),
    ('abc', 's== abc', True),
    ('abc', 's!= abc', False),
    ('abc', 's< abd', True),
    ('abc', 's<= abc', True),
    ('abd', 's> abc', True),
    ('abc', 's>= abd', False),
    ('avx avx2 sse', '<in> avx2', True),
    ('avx sse', '<in> avx2', False),
    ('avx avx2 sse', '<all-in> avx sse', True),
    ('avx sse', '<all-in> avx avx2', False),
    ('x86_64', '<or> aarch64 <or> x86_64', True),
    ('ppc64', '<or> aarch64 <or> x86_64', False),
    ('fast', '>= 10', False),
    ('10', '>=', False),
    (None, '>= 10', False),
])
def test_match(capability, requirement, expected):
    assert extra_specs_ops.match(capability, requirement) is expected
