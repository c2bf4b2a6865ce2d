"""The aggregate filters on their own: AggregateInstanceExtraSpecsFilter,
AggregateMultiTenancyIsolation, AggregateImagePropertiesIsolation."""
from nova_common.conf import CONF
from nova_scheduler.filters import aggregate_image_properties_isolation as image_isolation
from nova_scheduler.filters import aggregate_instance_extra_specs as extra_specs
from nova_scheduler.filters import aggregate_multitenancy_isolation as tenancy
from tests.unit.scheduler.fakes import make_host
from tests.unit.scheduler.fakes import make_spec


def _host(*metadatas):
    """A host in one aggregate per metadata dict."""
    host = make_host()
    host.aggregates = [{'id': index, 'uuid': 'agg-%d' % index, 'name': 'agg%d' % index,
                        'metadata': metadata, 'hosts': [host.host],
                        'availability_zone': metadata.get('availability_zone')}
                       for index, metadata in enumerate(metadatas)]
    return host


class TestAggregateInstanceExtraSpecsFilter:
    FILTER = extra_specs.AggregateInstanceExtraSpecsFilter()

    def _passes(self, host, specs):
        return self.FILTER.host_passes(host, make_spec(extra_specs=specs))

    def test_flavor_without_specs_passes_anywhere(self):
        assert self._passes(_host(), {})
        assert self._passes(_host({'ssd': 'true'}), {'hw:cpu_policy': 'dedicated'})

    def test_scoped_key_must_match_an_aggregate(self):
        wanted = {'aggregate_instance_extra_specs:ssd': 'true'}
        assert self._passes(_host({'ssd': 'true'}), wanted)
        assert self._passes(_host({'ssd': 'false'}, {'ssd': 'true'}), wanted)
        assert not self._passes(_host({'ssd': 'false'}), wanted)
        assert not self._passes(_host(), wanted)

    def test_unscoped_key_counts_as_in_nova(self):
        assert self._passes(_host({'ssd': 'true'}), {'ssd': 'true'})
        assert not self._passes(_host(), {'ssd': 'true'})

    def test_operators_and_comma_separated_values(self):
        assert self._passes(_host({'cores': '16'}),
                            {'aggregate_instance_extra_specs:cores': '>= 8'})
        assert not self._passes(_host({'cores': '4'}),
                                {'aggregate_instance_extra_specs:cores': '>= 8'})
        assert self._passes(_host({'tier': 'gold, silver'}),
                            {'aggregate_instance_extra_specs:tier': 'silver'})
        assert self._passes(_host({'tier': 'gold'}),
                            {'aggregate_instance_extra_specs:tier': '<or> bronze <or> gold'})

    def test_reason(self):
        spec = make_spec(extra_specs={'aggregate_instance_extra_specs:ssd': 'true'})
        assert self.FILTER.removal_reason([_host()], spec) == (
            'aggregate metadata does not match ssd=true')


class TestAggregateMultiTenancyIsolation:
    FILTER = tenancy.AggregateMultiTenancyIsolation()

    def test_hosts_without_tenant_keys_take_anyone(self):
        assert self.FILTER.host_passes(_host(), make_spec(project_id='p1'))
        assert self.FILTER.host_passes(_host({'ssd': 'true'}), make_spec(project_id='p1'))

    def test_only_listed_projects(self):
        host = _host({'filter_tenant_id': 'p1,p2'}, {'filter_tenant_id_3': 'p3'})
        for project in ('p1', 'p2', 'p3'):
            assert self.FILTER.host_passes(host, make_spec(project_id=project))
        assert not self.FILTER.host_passes(host, make_spec(project_id='p4'))

    def test_reason(self):
        assert self.FILTER.removal_reason([], make_spec(project_id='p4')) == (
            'kept for other projects than p4')


class TestAggregateImagePropertiesIsolation:
    FILTER = image_isolation.AggregateImagePropertiesIsolation()

    def _passes(self, host, properties):
        return self.FILTER.host_passes(host, make_spec(image_properties=properties))

    def test_matching_or_absent_properties_pass(self, clean_config):
        host = _host({'os_distro': 'windows,linux-ish'})
        assert self._passes(host, {'os_distro': 'windows'})
        assert self._passes(host, {'hw_architecture': 'x86_64'})
        assert self._passes(_host(), {'os_distro': 'linux'})

    def test_other_value_fails(self, clean_config):
        host = _host({'os_distro': 'windows'})
        assert not self._passes(host, {'os_distro': 'linux'})
        assert self.FILTER.removal_reason([host], make_spec(
            image_properties={'os_distro': 'linux'})) == (
            'aggregates do not take images with os_distro=linux')

    def test_namespace_limits_the_keys(self, clean_config):
        CONF.set_override('aggregate_image_properties_isolation_namespace', 'ns',
                          group='filter_scheduler')
        host = _host({'os_distro': 'windows', 'ns.tier': 'gold'})
        assert self._passes(host, {'os_distro': 'linux', 'ns.tier': 'gold'})
        assert not self._passes(host, {'ns.tier': 'silver'})
        CONF.set_override('aggregate_image_properties_isolation_separator', '_',
                          group='filter_scheduler')
        assert self._passes(host, {'ns.tier': 'silver'})
