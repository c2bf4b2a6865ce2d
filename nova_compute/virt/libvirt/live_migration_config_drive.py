"""The config drive of a block live migration, as Nova moves it: libvirt
copies only the writable disks (by default it leaves read-only ones out,
and the config drive is a read-only CD-ROM), so the destination must have
the drive at the same path before the guest arrives.

The source offers the instance's ``disk.config`` (and nothing else of its
directory) on its disk transfer server (disk_transfer.py) just before it
asks the destination to prepare; the URL travels in the migrate_data as
``config_drive_url``. The destination's pre_live_migration fetches it
into the instance directory it makes (same bytes as the source's: the
ISO is not rebuilt). The source withdraws the offer when the migration
ends, done or rolled back; the destination's rollback removes the
instance directory, the fetched drive with it.
"""
import os
import threading

from oslo_log import log as logging

from nova_compute.virt.libvirt import disk_transfer
from nova_compute.virt.libvirt import instance_files

LOG = logging.getLogger(__name__)

URL_KEY = 'config_drive_url'


class Offers:
    """The config drives this (source) host offers, one per instance
    being live-migrated, on ``server`` (a disk_transfer.DiskServer)."""

    def __init__(self, server):
        self.server = server
        self._lock = threading.Lock()
        self._urls = {}

    def offer(self, instance, migrate_data):
        """``migrate_data`` with the URL of the instance's config drive
        when it has one and the destination does not share its directory;
        unchanged otherwise."""
        uuid = instance['uuid']
        path = instance_files.path(uuid, instance_files.CONFIG_DRIVE)
        if migrate_data.get('is_shared_instance_path') or not os.path.isfile(path):
            return migrate_data
        self.withdraw(uuid)  # an earlier attempt's, if it was not withdrawn
        url = self.server.offer(instance_files.instance_dir(uuid),
                                names=(instance_files.CONFIG_DRIVE,))
        with self._lock:
            self._urls[uuid] = url
        LOG.info('Offering the config drive of %s to the destination of its live '
                 'migration', uuid)
        return dict(migrate_data, **{URL_KEY: url})

    def withdraw(self, uuid):
        with self._lock:
            url = self._urls.pop(uuid, None)
        if url:
            self.server.withdraw(url)
            LOG.info('Withdrew the offer of the config drive of %s', uuid)

    def offered(self):
        """The uuids of the instances whose drive is offered now."""
        with self._lock:
            return sorted(self._urls)


def fetch(instance, migrate_data):
    """On the destination, its instance directory made: the source's
    config drive, when it offered one, in place (complete or
    NovaException and no file)."""
    url = (migrate_data or {}).get(URL_KEY)
    if not url:
        return None
    path = instance_files.path(instance['uuid'], instance_files.CONFIG_DRIVE)
    disk_transfer.fetch(url, instance_files.CONFIG_DRIVE, path)
    LOG.info('Fetched the config drive of %s for its live migration', instance['uuid'])
    return path
