"""Server group bodies as the Compute API shows them: ``policies`` (a
list of one) and an always empty ``metadata`` below 2.64, ``policy`` and
``rules`` from it; ``project_id`` and ``user_id`` from 2.13."""
POLICY_VERSION = '2.64'
OWNER_VERSION = '2.13'


def server_group(req, group):
    body = {'id': group['uuid'], 'name': group['name']}
    if req.at_least(POLICY_VERSION):
        body['policy'] = group['policy']
        body['rules'] = group['rules']
    else:
        body['policies'] = [group['policy']]
        body['metadata'] = {}
    body['members'] = list(group['members'])
    if req.at_least(OWNER_VERSION):
        body['project_id'] = group['project_id']
        body['user_id'] = group['user_id']
    return body


def show(req, group):
    return {'server_group': server_group(req, group)}


def index(req, groups):
    return {'server_groups': [server_group(req, group) for group in groups]}
