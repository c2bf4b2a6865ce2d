"""/v2.0/extensions: the Neutron API extensions this service implements,
under Neutron's aliases (clients check them before using a feature)."""
from nova_network import exceptions

UPDATED = '2026-12-01T00:00:00-00:00'

# (alias, name, description)
EXTENSIONS = (
    ('binding', 'Port Binding', 'Expose port bindings of a virtual port to external '
                                'application'),
    ('external-net', 'Neutron external network', 'Adds external network attribute to '
                                                 'network resource.'),
    ('filter-validation', 'Filter parameters validation', 'Provides validation on filter '
                                                          'parameters.'),
    ('net-mtu', 'Network MTU', 'Provides MTU attribute for a network resource.'),
    ('port-security', 'Port Security', 'Provides port security'),
    ('provider', 'Provider Network', 'Expose mapping of virtual networks to physical '
                                     'networks'),
    ('quotas', 'Quota management support', 'Expose functions for quotas management per '
                                            'project'),
    ('quota_details', 'Quota details management support', 'Expose functions for quotas usage '
                                                          'statistics per project'),
    ('project-id', 'project_id field enabled', 'Extension that indicates that project_id '
                                               'field is enabled.'),
    ('pagination', 'Pagination support', 'Extension that indicates that pagination is '
                                         'enabled.'),
    ('sorting', 'Sorting support', 'Extension that indicates that sorting is enabled.'),
    ('security-group', 'security-group', 'The security groups extension.'),
    ('standard-attr-description', 'standard-attr-description', 'Extension to add '
                                                               'descriptions to standard '
                                                               'attributes'),
    ('standard-attr-revisions', 'Resource revision numbers', 'This extension will display '
                                                             'the revision number of neutron '
                                                             'resources.'),
    ('standard-attr-timestamp', 'Resource timestamps', 'Adds created_at and updated_at fields '
                                                       'to all Neutron resources that have '
                                                       'Neutron standard attributes.'),
)


def _extension(alias, name, description):
    return {'alias': alias, 'name': name, 'description': description, 'updated': UPDATED,
            'links': []}


def index(req):
    return {'extensions': [_extension(*extension) for extension in EXTENSIONS]}


def show(req, alias):
    for extension in EXTENSIONS:
        if extension[0] == alias:
            return {'extension': _extension(*extension)}
    raise exceptions.NotFound('Extension with alias %s does not exist' % alias)


ROUTES = [
    ('GET', '/extensions', index),
    ('GET', '/extensions/{alias}', show),
]
