"""/extensions: the fixed list of what this cloud serves."""


def test_list_and_show(cloud):
    extensions = cloud.get('/v2.1/extensions', token='demo:demo', status=200).json['extensions']
    aliases = {extension['alias'] for extension in extensions}
    assert {'os-simple-tenant-usage', 'os-keypairs', 'os-hypervisors'} <= aliases
    assert all(set(extension) == {'name', 'alias', 'description', 'links', 'namespace',
                                  'updated'} for extension in extensions)
    shown = cloud.get('/v2.1/extensions/os-keypairs', token='demo:demo', status=200).json
    assert shown['extension']['name'] == 'Keypairs'
    fault = cloud.get('/v2.1/extensions/os-nope', token='demo:demo', status=404).json
    assert 'os-nope' in fault['itemNotFound']['message']


def test_every_listed_extension_is_served(cloud):
    """Each alias that is also a collection of the API answers something
    other than 404 for an administrator."""
    for alias in ('os-availability-zone', 'os-hypervisors', 'os-keypairs', 'limits',
                  'os-services', 'os-simple-tenant-usage'):
        assert cloud.get('/v2.1/%s' % alias, token='admin:admin').status_int != 404, alias
