"""/extensions: the v2.0-era extension list clients still read to learn
what a cloud offers. Since v2.1 the API itself is versioned, so, as in
Nova, this is a fixed list; it names only what this cloud serves."""
from nova_common import exception
from nova_common.policies import extensions as extension_policies
from nova_common import policy

_UPDATED = '2014-12-03T00:00:00Z'
_NAMESPACE = 'http://docs.openstack.org/compute/ext/fake_xml'

# (name, alias, description) of each extension this cloud serves.
_EXTENSIONS = (
    ('AdminActions', 'os-admin-actions', 'Enable admin-only server actions.'),
    ('AvailabilityZone', 'os-availability-zone', '1. Add availability_zone to the Create '
     'Server API. 2. Add availability zones describing.'),
    ('ConsoleOutput', 'os-console-output', 'Console log output support.'),
    ('DeferredDelete', 'os-deferred-delete', 'Instance deferred delete.'),
    ('ExtendedAvailabilityZone', 'OS-EXT-AZ', 'Extended Availability Zone support.'),
    ('ExtendedServerAttributes', 'OS-EXT-SRV-ATTR', 'Extended Server Attributes support.'),
    ('ExtendedStatus', 'OS-EXT-STS', 'Extended Status support.'),
    ('FlavorAccess', 'os-flavor-access', 'Flavor access support.'),
    ('FlavorExtraSpecs', 'os-flavor-extra-specs', 'Flavors extra specs support.'),
    ('FlavorManage', 'os-flavor-manage', 'Flavor create/delete API support.'),
    ('Hypervisors', 'os-hypervisors', 'Admin-only hypervisor administration.'),
    ('InstanceActions', 'os-instance-actions', 'View a log of actions and events taken '
     'on an instance.'),
    ('Keypairs', 'os-keypairs', 'Keypair Support.'),
    ('OSInstanceUsageAuditLog', 'os-instance-usage-audit-log',
     'Admin-only Task Log Monitoring.'),
    ('Limits', 'limits', 'Limits support.'),
    ('Quotas', 'os-quota-sets', 'Quotas management support.'),
    ('QuotaClasses', 'os-quota-class-sets', 'Quota classes management support.'),
    ('ServerExternalEvents', 'os-server-external-events',
     'Server External Event Triggers.'),
    ('ServerPassword', 'os-server-password', 'Server password support.'),
    ('Services', 'os-services', 'Services support.'),
    ('SimpleTenantUsage', 'os-simple-tenant-usage', 'Simple tenant usage extension.'),
    ('VolumeAttachments', 'os-volume-attachments', 'Volume attachments support.'),
)


def _extension(name, alias, description):
    return {'name': name, 'alias': alias, 'description': description, 'links': [],
            'namespace': _NAMESPACE, 'updated': _UPDATED}


def index(req):
    policy.authorize(req.context, extension_policies.POLICY, target={})
    return {'extensions': [_extension(*entry) for entry in _EXTENSIONS]}


def show(req, alias):
    policy.authorize(req.context, extension_policies.POLICY, target={})
    for entry in _EXTENSIONS:
        if entry[1] == alias:
            return {'extension': _extension(*entry)}
    raise exception.NotFound('Extension %s could not be found.' % alias)


ROUTES = [
    ('GET', '/extensions', index),
    ('GET', '/extensions/{alias}', show),
]
