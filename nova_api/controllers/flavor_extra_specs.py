"""os-extra_specs: the key/value extra specs of a flavor.

Anyone who can see a flavor may read its extra specs (policy permitting);
writing them is for admins. Numbers are accepted as values and stored as
strings; the create and update answers echo the request body, as Nova does.
"""
from nova_api.schemas import flavors as schemas
from nova_api import validation
from nova_common.db.api import flavors as flavors_db
from nova_common import exception
from nova_common.policies import flavors as flavor_policies
from nova_common import policy

_MAX_VALUE_LENGTH = 255


def _stored_values(specs):
    """{key: str} from the request's specs; a number longer than 255
    characters once written out is refused (the schema only limits strings)."""
    values = {}
    for key, value in specs.items():
        text = str(value)
        if isinstance(value, (int, float)) and len(text) > _MAX_VALUE_LENGTH:
            raise exception.InvalidInput(
                message='extra_specs value has %d characters, more than %d.'
                        % (len(text), _MAX_VALUE_LENGTH))
        values[key] = text
    return values


def index(req, flavor_id):
    policy.authorize(req.context, flavor_policies.EXTRA_SPECS % 'index')
    return {'extra_specs': flavors_db.get_flavor(req.context, flavor_id)['extra_specs']}


def show(req, flavor_id, key):
    policy.authorize(req.context, flavor_policies.EXTRA_SPECS % 'show')
    specs = flavors_db.get_flavor(req.context, flavor_id)['extra_specs']
    if key not in specs:
        raise exception.FlavorExtraSpecNotFound(flavor_id=flavor_id, key=key)
    return {key: specs[key]}


@validation.body(schemas.extra_specs_create)
def create(req, flavor_id):
    policy.authorize(req.context, flavor_policies.EXTRA_SPECS % 'create', target={})
    values = _stored_values(req.body['extra_specs'])
    flavors_db.update_extra_specs(req.context, flavor_id, values)
    return req.body


@validation.body(schemas.extra_spec_update)
def update(req, flavor_id, key):
    policy.authorize(req.context, flavor_policies.EXTRA_SPECS % 'update', target={})
    values = _stored_values(req.body)
    if key not in values:
        raise exception.Invalid('Request body and URI mismatch')
    flavors_db.update_extra_specs(req.context, flavor_id, values)
    return req.body


def delete(req, flavor_id, key):
    policy.authorize(req.context, flavor_policies.EXTRA_SPECS % 'delete', target={})
    flavors_db.delete_extra_spec(req.context, flavor_id, key)


ROUTES = [
    ('GET', '/flavors/{flavor_id}/os-extra_specs', index),
    ('POST', '/flavors/{flavor_id}/os-extra_specs', create),
    ('GET', '/flavors/{flavor_id}/os-extra_specs/{key}', show),
    ('PUT', '/flavors/{flavor_id}/os-extra_specs/{key}', update),
    ('DELETE', '/flavors/{flavor_id}/os-extra_specs/{key}', delete),
]
