"""Flavor bodies as the Compute API shows them, per microversion.

2.55 adds ``description``; 2.61 adds ``extra_specs`` (to callers allowed to
read them); from 2.75 a flavor without swap shows ``swap: 0`` instead of "".
"""
from nova_api import pagination

DESCRIPTION_VERSION = '2.55'
EXTRA_SPECS_VERSION = '2.61'
SWAP_ZERO_VERSION = '2.75'


def _links(req, flavor):
    return req.links('flavors', flavor['flavorid'])


def basic(req, flavor):
    body = {'id': flavor['flavorid'], 'name': flavor['name'], 'links': _links(req, flavor)}
    if req.at_least(DESCRIPTION_VERSION):
        body['description'] = flavor['description']
    return body


def show(req, flavor, include_extra_specs=False):
    """The full flavor (without the outer ``flavor`` key)."""
    no_swap = 0 if req.at_least(SWAP_ZERO_VERSION) else ''
    body = {
        'id': flavor['flavorid'],
        'name': flavor['name'],
        'ram': flavor['memory_mb'],
        'disk': flavor['root_gb'],
        'swap': flavor['swap'] or no_swap,
        'OS-FLV-EXT-DATA:ephemeral': flavor['ephemeral_gb'],
        'OS-FLV-DISABLED:disabled': flavor['disabled'],
        'vcpus': flavor['vcpus'],
        'os-flavor-access:is_public': flavor['is_public'],
        'rxtx_factor': flavor['rxtx_factor'] if flavor['rxtx_factor'] is not None else '',
        'links': _links(req, flavor),
    }
    if req.at_least(DESCRIPTION_VERSION):
        body['description'] = flavor['description']
    if include_extra_specs:
        body['extra_specs'] = flavor['extra_specs']
    return body


def _collection(req, flavors, items, *collection):
    body = {'flavors': items}
    links = pagination.next_links(req, flavors, lambda f: f['flavorid'], *collection)
    if links:
        body['flavors_links'] = links
    return body


def index(req, flavors):
    return _collection(req, flavors, [basic(req, f) for f in flavors], 'flavors')


def detail(req, flavors, include_extra_specs=False):
    items = [show(req, f, include_extra_specs) for f in flavors]
    return _collection(req, flavors, items, 'flavors', 'detail')


def access_list(flavorid, projects):
    return {'flavor_access': [{'flavor_id': flavorid, 'tenant_id': project_id}
                              for project_id in projects]}
