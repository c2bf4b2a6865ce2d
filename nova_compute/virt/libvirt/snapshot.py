"""Snapshots of a libvirt guest's root disk: a consistent, flattened qcow2
copy uploaded into the queued image.

The root disk is a qcow2 overlay over a raw base in _base; ``qemu-img
convert`` reads both and writes one self-contained qcow2 file into
[libvirt] snapshots_directory. A running guest is paused around the copy:
QEMU drains and flushes every disk when it stops the vCPUs, so the file
holds what the guest wrote (qcow2 metadata included) and nothing changes
under the copy; ``-U`` lets qemu-img read the image QEMU holds open. The
guest runs again as soon as the copy is made, before the upload. The copy
is removed whatever happens.
"""
import os
import shutil
import tempfile

import libvirt
from oslo_log import log as logging

from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_common import exception
from nova_compute.virt import image_upload
from nova_compute.virt.libvirt import guest as libvirt_guest
from nova_compute.virt.libvirt import instance_files
from nova_compute.virt.libvirt import qemu_img

LOG = logging.getLogger(__name__)

SNAPSHOT_FORMAT = 'qcow2'


def snapshot(domain, context, instance, image_id, update_task_state):
    uuid = instance['uuid']
    disk = instance_files.path(uuid, instance_files.DISK)
    if not os.path.exists(disk):
        raise exception.InstanceNotFound(instance_id=uuid)
    update_task_state(states.IMAGE_PENDING_UPLOAD)
    os.makedirs(CONF.libvirt.snapshots_directory, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix='snapshot-%s-' % uuid,
                               dir=CONF.libvirt.snapshots_directory)
    try:
        copy = os.path.join(workdir, 'disk.qcow2')
        with _paused(domain, uuid):
            qemu_img.run('convert', '-U', '-q', '-f', 'qcow2', '-O', SNAPSHOT_FORMAT,
                         disk, copy)
        LOG.info('Copied the root disk of instance %s (%d bytes)', uuid,
                 os.path.getsize(copy))
        update_task_state(states.IMAGE_UPLOADING, expected_state=states.IMAGE_PENDING_UPLOAD)
        image_upload.upload(context, image_id, copy, SNAPSHOT_FORMAT)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


class _paused:
    """Pause a running domain for the copy and let it run again after,
    whatever happened; other states are left as they are."""

    def __init__(self, domain, uuid):
        self.domain = domain
        self.uuid = uuid
        self.paused = False

    def __enter__(self):
        if self.domain is not None and libvirt_guest.libvirt_state(self.domain) in (
                libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_BLOCKED):
            libvirt_guest.pause(self.domain)
            self.paused = True
        return self

    def __exit__(self, *exc_info):
        if self.paused:
            try:
                libvirt_guest.unpause(self.domain)
            except Exception:  # noqa: BLE001 - logged; the copy's own error matters more
                LOG.exception('Could not resume instance %s after its snapshot', self.uuid)
                if exc_info[0] is None:
                    raise
        return False
