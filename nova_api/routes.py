"""The route table of the compute API.

Each controller module lists its own ``ROUTES`` as (method, path, handler
[, min_version[, max_version]]); this module only gathers them. Paths are
relative to /v2.1 (and to an optional /{project_id}); a route with a
microversion range exists only inside it (404 outside, as in Nova).
"""
from nova_api import api_extensions
from nova_api.controllers import aggregates
from nova_api.controllers import availability_zones
from nova_api.controllers import extensions
from nova_api.controllers import flavor_access
from nova_api.controllers import flavor_extra_specs
from nova_api.controllers import flavors
from nova_api.controllers import hosts
from nova_api.controllers import hypervisors
from nova_api.controllers import image_metadata
from nova_api.controllers import images
from nova_api.controllers import instance_actions
from nova_api.controllers import instance_usage_audit_log
from nova_api.controllers import interfaces
from nova_api.controllers import keypairs
from nova_api.controllers import limits
from nova_api.controllers import migrations
from nova_api.controllers import networks
from nova_api.controllers import quota_classes
from nova_api.controllers import quota_sets
from nova_api.controllers import security_groups
from nova_api.controllers import server_actions
from nova_api.controllers import server_create
from nova_api.controllers import server_delete
from nova_api.controllers import server_external_events
from nova_api.controllers import server_diagnostics
from nova_api.controllers import server_groups
from nova_api.controllers import server_ips
from nova_api.controllers import server_metadata
from nova_api.controllers import server_password
from nova_api.controllers import server_tags
from nova_api.controllers import servers
from nova_api.controllers import server_live_migrate
from nova_api.controllers import services
from nova_api.controllers import simple_tenant_usage
from nova_api.controllers import volume_attachments
from nova_api import router
from nova_common.conf import CONF

CONTROLLERS = (
    flavors, flavor_access, flavor_extra_specs, keypairs,
    services, hypervisors, availability_zones, aggregates,
    quota_sets, quota_classes, limits,
    servers, server_create, server_delete, server_actions, server_metadata, server_tags,
    instance_actions, server_groups, server_diagnostics,
    simple_tenant_usage, server_password, volume_attachments, extensions,
    server_external_events, instance_usage_audit_log, networks, security_groups,
    hosts, images, image_metadata, server_ips, interfaces, migrations,
    server_live_migrate,
)


def entries():
    return [route for module in CONTROLLERS for route in module.ROUTES]


def route_table():
    """The built-in routes and those of the API extensions [api]
    extensions enables."""
    extensions = api_extensions.load(CONF.api.extensions)
    return router.RouteTable(api_extensions.mount(entries(), server_actions.ACTIONS,
                                                  extensions))
