"""The CMDB's HTTP interface: POST <url> a record, GET and DELETE
<url>/<uuid>, JSON bodies, [cmdb] timeout on every request."""
import json
import urllib.error
import urllib.request

from nova_cmdb_hook.conf import CONF


class CMDBError(Exception):
    """The CMDB could not be reached or answered an error."""


class NotRegistered(CMDBError):
    """The CMDB has no record of the server."""


def _request(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={'Content-Type': 'application/json',
                                              'Accept': 'application/json'})
    try:
        with urllib.request.urlopen(request, timeout=CONF.cmdb.timeout) as response:
            payload = response.read()
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise NotRegistered(url) from None
        raise CMDBError('%s %s answered %s' % (method, url, error.code)) from None
    except (OSError, ValueError) as error:  # refused, timed out, bad URL
        raise CMDBError('%s %s failed: %s' % (method, url, error)) from None
    return json.loads(payload) if payload else None


def _url(*parts):
    if not CONF.cmdb.url:
        raise CMDBError('[cmdb] url is not set')
    return '/'.join([CONF.cmdb.url.rstrip('/')] + list(parts))


def register(record):
    return _request('POST', _url(), record)


def unregister(uuid):
    try:
        _request('DELETE', _url(uuid))
    except NotRegistered:
        pass


def show(uuid):
    return _request('GET', _url(uuid))


def record_of(instance, context):
    """What the CMDB keeps of a server."""
    flavor = instance.get('flavor') or {}
    return {'id': instance['uuid'], 'name': instance.get('display_name'),
            'project_id': instance.get('project_id'), 'user_id': instance.get('user_id'),
            'host': instance.get('host'), 'node': instance.get('node'),
            'flavor': flavor.get('name'), 'vcpus': flavor.get('vcpus'),
            'memory_mb': flavor.get('memory_mb'), 'image': instance.get('image_ref'),
            'request_id': context.get('request_id')}
