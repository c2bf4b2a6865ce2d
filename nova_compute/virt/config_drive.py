"""Config drives: an ISO 9660 image (Joliet and Rock Ridge, so that long
lower-case names survive) labelled ``config-2`` holding the server's
openstack/ and ec2/ metadata trees, as Nova writes it and cloud-init
looks for it. The files come from nova_metadata.content, rendered from
the source the super-conductor sent with the build."""
import io

import pycdlib

from nova_common.conf import CONF
from nova_metadata import content

VOLUME_LABEL = 'config-2'
FILE_NAME = 'disk.config'
ROCK_RIDGE_VERSION = '1.09'
JOLIET_LEVEL = 3


def files_for(source):
    """{path: bytes} of the drive of the server ``source`` describes."""
    return content.InstanceMetadata(source,
                                    dhcp_domain=CONF.metadata.dhcp_domain).config_drive_files()


def _iso9660_name(index, is_dir):
    """A unique plain ISO 9660 name (level 1: 8.3, upper case); readers
    use the Rock Ridge or Joliet name instead."""
    return ('D%07d' % index) if is_dir else ('F%07d.;1' % index)


def build_iso(files):
    """The ISO image of ``files`` ({'openstack/latest/meta_data.json': b'...'}),
    as bytes."""
    iso = pycdlib.PyCdlib()
    iso.new(interchange_level=1, joliet=JOLIET_LEVEL, rock_ridge=ROCK_RIDGE_VERSION,
            vol_ident=VOLUME_LABEL, sys_ident='LINUX')
    made = {'': ('/', '/')}
    counter = 0
    try:
        for path in sorted(files):
            parts = path.split('/')
            for depth in range(1, len(parts)):
                directory = '/'.join(parts[:depth])
                if directory in made:
                    continue
                counter += 1
                parent_iso, parent_joliet = made['/'.join(parts[:depth - 1])]
                iso_path = parent_iso.rstrip('/') + '/' + _iso9660_name(counter, True)
                joliet_path = parent_joliet.rstrip('/') + '/' + parts[depth - 1]
                iso.add_directory(iso_path, rr_name=parts[depth - 1], joliet_path=joliet_path)
                made[directory] = (iso_path, joliet_path)
            counter += 1
            parent_iso, parent_joliet = made['/'.join(parts[:-1])]
            data = files[path]
            iso.add_fp(io.BytesIO(data), len(data),
                       parent_iso.rstrip('/') + '/' + _iso9660_name(counter, False),
                       rr_name=parts[-1], joliet_path=parent_joliet.rstrip('/') + '/' + parts[-1])
        output = io.BytesIO()
        iso.write_fp(output)
        return output.getvalue()
    finally:
        iso.close()


def write_iso(files, path):
    """Write the drive of ``files`` to ``path`` (read-only to the guest)."""
    image = build_iso(files)
    with open(path, 'wb') as handle:
        handle.write(image)
    return path


def read_files(image):
    """{path: bytes} read back from an ISO image's Rock Ridge names (for
    tests and diagnostics)."""
    iso = pycdlib.PyCdlib()
    iso.open_fp(io.BytesIO(image))
    found = {}
    try:
        for root, _dirs, names in iso.walk(rr_path='/'):
            for name in names:
                rr_path = root.rstrip('/') + '/' + name
                output = io.BytesIO()
                iso.get_file_from_iso_fp(output, rr_path=rr_path)
                found[rr_path.lstrip('/')] = output.getvalue()
    finally:
        iso.close()
    return found


def volume_label(image):
    iso = pycdlib.PyCdlib()
    iso.open_fp(io.BytesIO(image))
    try:
        return iso.pvd.volume_identifier.decode('ascii').strip()
    finally:
        iso.close()
