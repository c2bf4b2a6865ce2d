"""Fuzz the network API (bounded, deterministic): bodies generated from
each route's JSON Schema and then mutated, raw bodies that are not JSON,
hostile path values and query strings. No answer is a 5xx, every error is
Neutron's fault body, and nothing longer than its column reaches the
database."""
import json
import random
import time
import urllib.parse

from nova_common.db.models import api as api_models
from nova_network.schemas import networks as network_schemas
from nova_network.schemas import ports as port_schemas
from nova_network.schemas import quotas as quota_schemas
from nova_network.schemas import security_groups as group_schemas
from nova_network.schemas import subnets as subnet_schemas
from tests.functional import api_fuzzer
from tests.functional.network import helpers
from tests.functional.test_api_fuzz import _overflowing_values

SEED = 20261203
REQUESTS = 1500
SECONDS = 15

# (method, path with {id}, body key, schema)
ROUTES = [
    ('POST', '/networks', 'network', network_schemas.create),
    ('PUT', '/networks/{id}', 'network', network_schemas.update),
    ('POST', '/subnets', 'subnet', subnet_schemas.create),
    ('PUT', '/subnets/{id}', 'subnet', subnet_schemas.update),
    ('POST', '/ports', 'port', port_schemas.create),
    ('PUT', '/ports/{id}', 'port', port_schemas.update),
    ('POST', '/security-groups', 'security_group', group_schemas.create_group),
    ('PUT', '/security-groups/{id}', 'security_group', group_schemas.update_group),
    ('POST', '/security-group-rules', 'security_group_rule', group_schemas.create_rule),
    ('PUT', '/quotas/{id}', 'quota', quota_schemas.update),
]
COLLECTIONS = ['networks', 'subnets', 'ports', 'security-groups', 'security-group-rules',
               'quotas', 'extensions']
# Values that get past the first checks: addresses, CIDRs, MACs.
# Query values: the hostile strings a URL can carry (no lone surrogates:
# nova-api's outermost guard refuses a URL that is not UTF-8 for every API).
QUERY_STRINGS = [value for value in api_fuzzer.HOSTILE_STRINGS if '\ud800' not in value
                 and '\udfff' not in value]
ADDRESS_LIKE = ['10.42.0.0/24', '10.42.0.7', 'fd00::/64', 'fd00::9', '10.42.0.0/33',
                '0.0.0.0/0', 'fa:16:3e:00:00:01', '10.42.0.255', '::', 'tcp', 'icmp', '6']


def _check(response):
    status = response.status_int
    if status >= 500:
        return 'server error: %s' % response.body[:300]
    if status < 400:
        return None
    try:
        body = json.loads(response.body)
        error = body['NeutronError']
        assert set(error) == {'type', 'message', 'detail'}
        assert isinstance(error['type'], str) and isinstance(error['message'], str)
    except (ValueError, KeyError, TypeError, AssertionError):
        if status == 401:  # nova-api's authentication answers before the service
            return None
        return 'error body is not a Neutron fault: %r' % response.body[:300]
    return None


class NetworkFuzzer:
    def __init__(self, cloud, known_ids, seed):
        self.cloud = cloud
        self.rng = random.Random(seed)
        self.known_ids = known_ids
        self.values = api_fuzzer.SchemaValues(self.rng, known_ids + ADDRESS_LIKE)
        self.count = 0

    def _path(self):
        rng = self.rng
        if rng.random() < 0.6:
            method, pattern, key, schema = rng.choice(ROUTES)
            body = {key: self.values.value(schema)} if rng.random() < 0.9 else \
                self.values.hostile()
            raw = json.dumps(body).encode() if rng.random() < 0.9 else rng.choice(
                api_fuzzer.RAW_BODIES)
        else:
            method = rng.choice(api_fuzzer.OTHER_METHODS)
            pattern = '/' + rng.choice(COLLECTIONS) + rng.choice(['', '/{id}'])
            raw = b''
            if rng.random() < 0.5:
                query = [(rng.choice(['name', 'fields', 'limit', 'marker', 'sort_key',
                                      'sort_dir', 'page_reverse', 'shared', 'mtu', 'fixed_ips',
                                      'ip_version', 'x']),
                          rng.choice(QUERY_STRINGS + ADDRESS_LIKE +
                                     self.known_ids + ['1', 'name', 'asc', 'true']))
                         for _ in range(rng.randint(1, 3))]
                pattern += '?' + urllib.parse.urlencode(query)
        identifier = rng.choice(self.known_ids + api_fuzzer.HOSTILE_PATH_VALUES[:12])
        return method, pattern.replace('{id}', identifier), raw

    def one(self):
        method, path, raw = self._path()
        headers = {'X-Auth-Token': self.rng.choice(['admin:admin', 'demo:demo', 'other:other'])}
        if raw:
            headers['Content-Type'] = 'application/json'
        response = self.cloud.app.request(helpers.BASE + path, method=method, body=raw,
                                          headers=headers, expect_errors=True)
        self.count += 1
        problem = _check(response)
        return None if problem is None else '%s %s: %s' % (method, path[:200], problem)

    def run(self, requests, seconds):
        deadline = time.monotonic() + seconds
        problems = []
        while self.count < requests and time.monotonic() < deadline:
            problem = self.one()
            if problem:
                problems.append(problem)
        return problems


def test_no_network_route_answers_a_server_error_or_a_foreign_body(cloud):
    net = helpers.network(cloud)
    subnet = helpers.subnet(cloud, net['id'])
    port = helpers.port(cloud, net['id'])
    known = [net['id'], subnet['id'], port['id'], port['security_groups'][0], 'demo', 'admin']
    fuzzer = NetworkFuzzer(cloud, known, SEED)
    problems = fuzzer.run(REQUESTS, SECONDS)
    assert fuzzer.count >= 300, 'too few requests in the time allowed'
    assert not problems, '%d of %d requests went wrong:\n%s' % (
        len(problems), fuzzer.count, '\n'.join(problems[:40]))
    overflowing = _overflowing_values(cloud.api_db, api_models.BASE.metadata)
    assert not overflowing, 'values past their column got to the database: %s' % overflowing
