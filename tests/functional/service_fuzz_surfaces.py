"""The image API (/image, Glance v2) and the network API (/network,
Neutron v2.0) as ``api_fuzzer.Fuzzer`` sees them: their route tables, the
bodies their handlers take, and the fault format each must answer with."""
import os
import re

import sqlalchemy as sa

from nova_api import image_app
from nova_api import image_schemas
from nova_common.image import glance_format
from nova_network.api import networks
from nova_network.api import ports
from nova_network.api import quotas
from nova_network.api import security_group_rules
from nova_network.api import security_groups
from nova_network.api import subnets
from nova_network.db import models as network_models
from nova_network import listing
from nova_network import router as network_router
from nova_network.schemas import networks as network_schemas
from nova_network.schemas import ports as port_schemas
from nova_network.schemas import quotas as quota_schemas
from nova_network.schemas import security_groups as group_schemas
from nova_network.schemas import subnets as subnet_schemas
from tests.functional import api_fuzzer

# Values of network attributes that get past the first checks.
ADDRESS_LIKE = ['10.42.0.0/24', '10.42.0.7', 'fd00::/64', 'fd00::9', '10.42.0.0/33',
                '0.0.0.0/0', 'fa:16:3e:00:00:01', '10.42.0.255', '::', 'tcp', 'icmp', '6']
# Accept headers under which a JSON error body is the only right one.
_JSON_ACCEPTS = (None, 'application/json')


class NetworkSurface:
    """Routes of ``nova_network.router`` under /network/v2.0; every error
    is Neutron's ``{"NeutronError": {"type", "message", "detail"}}``."""

    name = 'network'
    content_types = [None, 'application/json', 'text/plain', 'application/xml', '*/*']
    # Each handler that reads a body: (its resource key, its schema).
    BODIES = {
        networks.create: ('network', network_schemas.create),
        networks.update: ('network', network_schemas.update),
        subnets.create: ('subnet', subnet_schemas.create),
        subnets.update: ('subnet', subnet_schemas.update),
        ports.create: ('port', port_schemas.create),
        ports.update: ('port', port_schemas.update),
        security_groups.create: ('security_group', group_schemas.create_group),
        security_groups.update: ('security_group', group_schemas.update_group),
        security_group_rules.create: ('security_group_rule', group_schemas.create_rule),
        quotas.update: ('quota', quota_schemas.update),
    }
    SCHEMAS = [schema for _key, schema in BODIES.values()]
    TABLES = sorted({model.__table__ for model in vars(network_models).values()
                     if isinstance(model, type) and hasattr(model, '__table__')},
                    key=lambda table: table.name)

    def __init__(self, database_url=None):
        self.connection = sa.create_engine(database_url).connect() if database_url else None
        self._version = self._rows = None

    def state(self):
        """Every row of the network tables ({table: rows}), or None
        without a database to read. The rows are read again only once
        SQLite's data_version says another connection committed."""
        if self.connection is None:
            return None
        version = self.connection.exec_driver_sql('PRAGMA data_version').scalar()
        if version != self._version:
            self._version = version
            self._rows = {table.name: sorted(map(tuple, self.connection.execute(table.select())),
                                             key=repr)
                          for table in self.TABLES}
        # No read transaction left open: it would lock the API's writers out.
        self.connection.rollback()
        return self._rows

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection.engine.dispose()

    def routes(self):
        found = [entry for module in network_router.RESOURCE_MODULES
                 for entry in module.ROUTES]
        unknown = [entry[:2] for entry in found
                   if entry[0] in ('POST', 'PUT') and entry[2] not in self.BODIES]
        assert not unknown, 'routes whose body the fuzzer does not know: %s' % unknown
        return found

    @staticmethod
    def prefix(rng):
        return '/network/v2.0'

    def body_schemas(self, func):
        if func not in self.BODIES:
            return []
        key, schema = self.BODIES[func]
        return [{'type': 'object', 'properties': {key: schema}, 'required': [key]}]

    @staticmethod
    def named_values(path_values):
        """Attribute values that get past validation, from the real ids."""
        groups = path_values.get('group_id', [])
        subnets = path_values.get('subnet_id', [])
        cidrs = ['10.42.1.0/24', '10.42.0.0/24', 'fd00:1::/64', '192.168.5.0/30', '10.0.0.0/8']
        addresses = ['10.42.0.7', '10.42.0.1', '10.42.0.250', 'fd00::9', '10.42.1.5']
        return {
            'network_id': path_values.get('network_id', []), 'subnet_id': subnets,
            'security_group_id': groups, 'remote_group_id': groups + [None],
            'security_groups': [groups[:1], groups, []],
            'fixed_ips': [[{'subnet_id': subnet} for subnet in subnets[:1]],
                          [{'ip_address': address} for address in addresses[:2]]],
            'cidr': cidrs, 'remote_ip_prefix': cidrs + [None],
            'ip_address': addresses, 'gateway_ip': addresses + [None],
            'mac_address': ['fa:16:3e:00:00:01', 'fa:16:3e:aa:bb:cc'], 'ip_version': [4, 6],
            'protocol': ['tcp', 'udp', 'icmp', '6', None], 'ethertype': ['IPv4', 'IPv6'],
            'direction': ['ingress', 'egress'], 'port_range_min': [22, 80, None],
            'port_range_max': [22, 8080, None],
        }

    def query_names(self, func):
        return list(listing.CONTROL_PARAMS) + sorted(
            {name for schema in self.SCHEMAS for name in schema.get('properties', {})})

    @staticmethod
    def headers(rng):
        return {}

    @staticmethod
    def check(response, request_headers):
        return check_neutron_error(response)


def check_neutron_error(response):
    """What is wrong with ``response`` as a Neutron answer (None if nothing)."""
    if response.status_int < 400 or api_fuzzer.server_error(response):
        return api_fuzzer.server_error(response)
    body, problem = api_fuzzer.json_error_body(response)
    if problem:
        return problem
    error = body.get('NeutronError') if isinstance(body, dict) and len(body) == 1 else None
    if (not isinstance(error, dict) or set(error) != {'type', 'message', 'detail'}
            or not all(isinstance(error[key], str) for key in error)):
        return 'error body is not a Neutron fault: %r' % body
    return None


def _image_route(method, regex, func):
    """(method, pattern with {var}s, handler) of an ImagesAPI route."""
    pattern = re.sub(r'\(\?P<(\w+)>[^)]*\)', r'{\1}', regex.pattern.strip('^$'))
    return method, pattern, func


def _versions_document(req, context):
    """Stands for ImageApp's versions answers (they have no handler)."""


class ImageSurface:
    """Routes of ``image_app.ImagesAPI`` (and the versions documents) under
    /image; every error is Glance's: webob's JSON ``{"message", "code",
    "title"}`` to a client that wants JSON, webob's page to the others."""

    name = 'image'
    content_types = [None, 'application/json', glance_format.PATCH_MEDIA_TYPE,
                     'application/octet-stream', 'text/plain', 'garbage/',
                     'application/json; charset=utf-8']
    QUERY_NAMES = ['limit', 'marker', 'sort', 'sort_key', 'sort_dir', 'member_status',
                   'visibility', 'status', 'name', 'tag', 'protected', 'os_hidden', 'owner',
                   'id', 'disk_format', 'container_format', 'size_min']

    def __init__(self, store_dir=None):
        self.store_dir = store_dir
        self.api = image_app.ImagesAPI(store=None)
        properties = image_schemas.image()['properties']
        patch_item = {'type': 'object', 'required': ['op', 'path'], 'properties': {
            'op': {'enum': ['add', 'replace', 'remove', 'test', 'move', 'copy']},
            'path': {'enum': ['/' + name for name in properties] + [
                '/extra_key', '/', '/name/x', '/tags/0', '/' + 'k' * 300]},
            'value': {'oneOf': list(properties.values())}}}
        writable = {name: prop for name, prop in properties.items() if not prop.get('readOnly')}
        self.bodies = {
            self.api.create: [image_schemas.image(), {'type': 'object', 'properties': writable}],
            self.api.update: [{'type': 'array', 'items': patch_item}],
            self.api.add_member: [{'type': 'object', 'required': ['member'],
                                   'properties': {'member': {'type': 'string'}}}],
        }

    def state(self):
        """Every file of the local image store ({name: content}), or None
        without a store to read."""
        if self.store_dir is None:
            return None
        files = {}
        for name in os.listdir(self.store_dir):
            if name != '.lock':
                with open(os.path.join(self.store_dir, name), 'rb') as handle:
                    files[name] = handle.read()
        return files

    def content_type_of(self, func):
        return {self.api.update: glance_format.PATCH_MEDIA_TYPE,
                self.api.upload: 'application/octet-stream'}.get(func)

    def routes(self):
        return [('GET', '/versions', _versions_document), ('GET', '/', _versions_document)] + [
            _image_route(*route) for route in self.api.routes]

    @staticmethod
    def prefix(rng):
        return image_app.PREFIX

    def body_schemas(self, func):
        return self.bodies.get(func, [])

    @staticmethod
    def named_values(path_values):
        return {'member': ['other', 'demo', 'm' * 255, 'm' * 256],
                'visibility': ['private', 'shared', 'community', 'public']}

    def query_names(self, func):
        return list(self.QUERY_NAMES)

    @staticmethod
    def headers(rng):
        return {}

    @staticmethod
    def check(response, request_headers):
        return check_glance_error(response, request_headers.get('Accept'))


def check_glance_error(response, accept):
    """What is wrong with ``response`` as a Glance answer to a request
    with that Accept header (None if nothing)."""
    status = response.status_int
    if status < 400 or api_fuzzer.server_error(response):
        return api_fuzzer.server_error(response)
    if response.content_type != 'application/json':
        if accept in _JSON_ACCEPTS:
            return 'error body is not JSON: %r' % response.body[:300]
        if response.content_type not in ('text/html', 'text/plain') or \
                str(status) not in response.text:
            return 'error page is not webob\'s: %r' % response.body[:300]
        return None
    body, problem = api_fuzzer.json_error_body(response)
    if problem:
        return problem
    if (not isinstance(body, dict) or set(body) != {'message', 'code', 'title'}
            or not all(isinstance(body[key], str) for key in body)
            or body['code'] != '%d %s' % (status, body['title'])):
        return 'error body is not a Glance fault: %r' % body
    return None
