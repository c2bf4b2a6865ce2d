"""Aggregate bodies as Nova shows them (2.41 adds ``uuid``)."""

UUID_VERSION = '2.41'


def show(req, aggregate, with_members=True):
    """One aggregate; the create answer has no ``hosts`` nor ``metadata``."""
    body = {
        'id': aggregate['id'],
        'name': aggregate['name'],
        'availability_zone': aggregate['availability_zone'],
        'created_at': aggregate['created_at'],
        'updated_at': aggregate['updated_at'],
        'deleted': False,
        'deleted_at': None,
    }
    if with_members:
        body['hosts'] = aggregate['hosts']
        body['metadata'] = aggregate['metadata']
    if req.at_least(UUID_VERSION):
        body['uuid'] = aggregate['uuid']
    return body
