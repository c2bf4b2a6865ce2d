"""The OpenStack and EC2 metadata trees of one server, rendered from its
source (source.py) as Nova renders them: for the metadata service, one
path at a time (``lookup``), and for a config drive, every file at once
(``config_drive_files``).

Paths, as Nova serves them:
    /openstack                     the dated versions and ``latest``
    /openstack/<v>/                meta_data.json, user_data (when given),
                                   password, vendor_data.json,
                                   network_data.json, vendor_data2.json
    /  and  /<ec2 version>/        meta-data/ and user-data (the EC2 tree;
                                   anything not under /openstack is EC2)

EC2 ids are derived as the id of a mapping table would be: the server's
``i-%08x`` from its integer id (unique within its cell), image ids
``ami-``/``aki-``/``ari-%08x`` from a CRC-32 of the image's uuid.
"""
import base64
import os
import posixpath
import zlib

from oslo_serialization import jsonutils

from nova_metadata import network_data

FOLSOM = '2012-08-10'
GRIZZLY = '2013-04-04'
HAVANA = '2013-10-17'
LIBERTY = '2015-10-15'
NEWTON_ONE = '2016-06-30'
NEWTON_TWO = '2016-10-06'
OCATA = '2017-02-22'
ROCKY = '2018-08-27'
VICTORIA = '2020-10-14'
OPENSTACK_VERSIONS = [FOLSOM, GRIZZLY, HAVANA, LIBERTY, NEWTON_ONE, NEWTON_TWO, OCATA, ROCKY,
                      VICTORIA]
EC2_VERSIONS = ['1.0', '2007-01-19', '2007-03-01', '2007-08-29', '2007-10-10', '2007-12-15',
                '2008-02-01', '2008-09-01', '2009-04-04']
# Nova writes only the newest EC2 version (and latest) onto a config drive.
EC2_CONFIG_DRIVE_VERSIONS = ['2009-04-04']
LATEST = 'latest'

META_DATA = 'meta_data.json'
USER_DATA = 'user_data'
PASSWORD = 'password'
VENDOR_DATA = 'vendor_data.json'
NETWORK_DATA = 'network_data.json'
VENDOR_DATA2 = 'vendor_data2.json'

TEXT = 'text/plain'
JSON = 'application/json'


class NotFound(Exception):
    """No such metadata path (the service answers 404)."""


class PasswordPath:
    """The answer for .../password: the service reads or stores the
    password itself (GET, or POST once)."""

    def __init__(self, password):
        self.password = password


def ec2_id(prefix, value):
    if value is None or value == '':
        return None
    if isinstance(value, int):
        return '%s-%08x' % (prefix, value)
    return '%s-%08x' % (prefix, zlib.crc32(str(value).encode('utf-8')))


def _at_least(required, requested, versions):
    return versions.index(requested) >= versions.index(required)


class InstanceMetadata:
    """One server's metadata; ``source`` as source.gather makes it."""

    def __init__(self, source, dhcp_domain=''):
        self.source = source
        self.instance = source['instance']
        self.dhcp_domain = dhcp_domain
        user_data = self.instance.get('user_data')
        self.user_data = base64.b64decode(user_data) if user_data is not None else None
        self.network_data = network_data.build(source.get('vifs') or [])

    # --- shared facts ---------------------------------------------------------

    def hostname(self):
        hostname = self.instance.get('hostname') or ''
        return '%s.%s' % (hostname, self.dhcp_domain) if self.dhcp_domain else hostname

    def _fixed_ips(self, version):
        return [address['ip_address'] for vif in self.source.get('vifs') or []
                for address in vif['fixed_ips'] if address['subnet']['ip_version'] == version]

    # --- OpenStack tree -------------------------------------------------------

    def meta_data(self, version=LATEST):
        version = OPENSTACK_VERSIONS[-1] if version == LATEST else version
        instance = self.instance
        document = {'uuid': instance['uuid']}
        if instance.get('metadata'):
            document['meta'] = instance['metadata']
        if instance.get('key_name'):
            document['public_keys'] = {instance['key_name']: instance.get('key_data')}
            if _at_least(LIBERTY, version, OPENSTACK_VERSIONS):
                document['keys'] = [{'name': instance['key_name'],
                                     'type': self.source.get('key_type') or 'ssh',
                                     'data': instance.get('key_data')}]
        document.update(hostname=self.hostname(), name=instance.get('display_name'),
                        launch_index=instance.get('launch_index') or 0,
                        availability_zone=instance.get('availability_zone'))
        if _at_least(GRIZZLY, version, OPENSTACK_VERSIONS):
            document['random_seed'] = base64.b64encode(os.urandom(512)).decode('ascii')
        if _at_least(LIBERTY, version, OPENSTACK_VERSIONS):
            document['project_id'] = instance.get('project_id')
        if _at_least(NEWTON_ONE, version, OPENSTACK_VERSIONS):
            document['devices'] = []
        if _at_least(VICTORIA, version, OPENSTACK_VERSIONS):
            document['dedicated_cpus'] = []
        return document

    def openstack_names(self, version):
        """The files of one OpenStack version, as its listing shows them."""
        version = OPENSTACK_VERSIONS[-1] if version == LATEST else version
        names = [META_DATA]
        if self.user_data is not None:
            names.append(USER_DATA)
        for required, name in ((GRIZZLY, PASSWORD), (HAVANA, VENDOR_DATA),
                               (LIBERTY, NETWORK_DATA), (NEWTON_TWO, VENDOR_DATA2)):
            if _at_least(required, version, OPENSTACK_VERSIONS):
                names.append(name)
        return names

    def openstack_file(self, version, name):
        """(body, mime type) of one file; a PasswordPath for the password."""
        if name not in self.openstack_names(version):
            raise NotFound(name)
        if name == META_DATA:
            return jsonutils.dump_as_bytes(self.meta_data(version)), JSON
        if name == USER_DATA:
            return self.user_data, TEXT
        if name == PASSWORD:
            return PasswordPath(self.source.get('password') or ''), TEXT
        if name == NETWORK_DATA:
            return jsonutils.dump_as_bytes(self.network_data), JSON
        return b'{}', JSON

    # --- EC2 tree -------------------------------------------------------------

    def ec2_data(self, version=LATEST):
        version = EC2_VERSIONS[-1] if version == LATEST else version
        instance = self.instance
        hostname = self.hostname()
        fixed = self._fixed_ips(4)
        meta_data = {
            'ami-id': ec2_id('ami', instance.get('image_ref')) or '',
            'ami-launch-index': instance.get('launch_index') or 0,
            'ami-manifest-path': 'FIXME',
            'instance-id': ec2_id('i', instance.get('id')) or '',
            'hostname': hostname,
            'local-ipv4': fixed[0] if fixed else '',
            'reservation-id': instance.get('reservation_id') or '',
            'security-groups': list(self.source.get('security_groups') or []),
        }
        if instance.get('key_name'):
            # public-keys/ lists "0=<name>"; public-keys/0/ lists openssh-key.
            meta_data['public-keys'] = {'0': {'_name': '0=' + instance['key_name'],
                                              'openssh-key': instance.get('key_data')}}
        if _at_least('2007-01-19', version, EC2_VERSIONS):
            meta_data.update({'local-hostname': hostname, 'public-hostname': hostname,
                              'public-ipv4': ''})
        if _at_least('2007-08-29', version, EC2_VERSIONS):
            meta_data['instance-type'] = instance.get('flavor_name') or ''
        if _at_least('2007-12-15', version, EC2_VERSIONS):
            meta_data['block-device-mapping'] = {'ami': 'vda', 'root': '/dev/vda'}
            for key, prefix, field in (('kernel-id', 'aki', 'kernel_id'),
                                       ('ramdisk-id', 'ari', 'ramdisk_id')):
                if instance.get(field):
                    meta_data[key] = ec2_id(prefix, instance[field])
        if _at_least('2008-02-01', version, EC2_VERSIONS):
            meta_data['placement'] = {'availability-zone': instance.get('availability_zone')}
        if _at_least('2008-09-01', version, EC2_VERSIONS):
            meta_data['instance-action'] = 'none'
        data = {'meta-data': meta_data}
        if self.user_data is not None:
            data['user-data'] = self.user_data
        return data

    # --- one path -------------------------------------------------------------

    def lookup(self, path):
        """(body, mime type) of ``path``: bytes, a list (a listing), a dict
        (an EC2 directory) or a PasswordPath; NotFound otherwise."""
        tokens = [token for token in posixpath.normpath('/' + path).split('/') if token]
        if tokens[:1] == ['openstack']:
            return self._openstack(tokens[1:])
        if not tokens:
            return EC2_VERSIONS + [LATEST], TEXT
        version, rest = tokens[0], tokens[1:]
        if version != LATEST and version not in EC2_VERSIONS:
            raise NotFound(path)
        return find_in_tree(self.ec2_data(version), rest), TEXT

    def _openstack(self, tokens):
        if not tokens:
            return OPENSTACK_VERSIONS + [LATEST], TEXT
        version = tokens[0]
        if version != LATEST and version not in OPENSTACK_VERSIONS:
            raise NotFound(version)
        if len(tokens) == 1:
            return self.openstack_names(version), TEXT
        if len(tokens) > 2:
            raise NotFound('/'.join(tokens))
        return self.openstack_file(version, tokens[1])

    # --- config drive ---------------------------------------------------------

    def config_drive_files(self):
        """{path on the drive: bytes}: openstack/<each version and latest>/
        (no password: the guest posts that to the service) and
        ec2/<newest version and latest>/meta-data.json and user-data."""
        files = {}
        for version in OPENSTACK_VERSIONS + [LATEST]:
            for name in self.openstack_names(version):
                if name == PASSWORD:
                    continue
                body, _mime = self.openstack_file(version, name)
                files['openstack/%s/%s' % (version, name)] = body
        for version in EC2_CONFIG_DRIVE_VERSIONS + [LATEST]:
            data = self.ec2_data(version)
            files['ec2/%s/meta-data.json' % version] = jsonutils.dump_as_bytes(
                _without_names(data['meta-data']))
            if self.user_data is not None:
                files['ec2/%s/user-data' % version] = self.user_data
        return files


def _without_names(tree):
    if isinstance(tree, dict):
        return {key: _without_names(value) for key, value in tree.items() if key != '_name'}
    return tree


def find_in_tree(data, tokens):
    for token in tokens:
        if not isinstance(data, dict) or token not in data or token == '_name':
            raise NotFound('/'.join(tokens))
        data = data[token]
    return data


def ec2_text(data):
    """An EC2 value as the service prints it: a directory lists its keys
    (sub-directories with a trailing slash, or their ``_name``), a list
    one item a line, anything else as it is."""
    if isinstance(data, dict):
        lines = []
        for key in sorted(data):
            if key == '_name':
                continue
            value = data[key]
            if isinstance(value, dict):
                lines.append(str(value['_name']) if '_name' in value else key + '/')
            else:
                lines.append(key)
        return '\n'.join(lines).encode('utf-8')
    if isinstance(data, list):
        return '\n'.join(str(item) for item in data).encode('utf-8')
    if isinstance(data, bytes):
        return data
    return str(data).encode('utf-8')
