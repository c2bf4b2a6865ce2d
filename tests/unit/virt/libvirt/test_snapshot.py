"""The libvirt driver's snapshot: a running guest is paused exactly around
the copy and runs again even when the copy fails; the copy is a
flattened qcow2 of the overlay and its base (real qemu-img); the work
directory is gone whatever happens."""
import os
import shutil
import subprocess

import libvirt
import pytest

from nova_common import compute_states as states
from nova_common.conf import CONF
from nova_common import exception
from nova_compute.virt.libvirt import instance_files
from nova_compute.virt.libvirt import qemu_img
from nova_compute.virt.libvirt import snapshot

UUID = '6f1b1c0e-0c55-4d8c-9b8e-2d6a7a2c9f10'


class PausableDomain:
    """A domain that records pause and resume (libvirt's suspend/resume)."""

    def __init__(self, state=libvirt.VIR_DOMAIN_RUNNING):
        self.current = state
        self.calls = []

    def state(self):
        return [self.current, 0]

    def suspend(self):
        self.calls.append('pause')
        self.current = libvirt.VIR_DOMAIN_PAUSED

    def resume(self):
        self.calls.append('resume')
        self.current = libvirt.VIR_DOMAIN_RUNNING


@pytest.fixture
def instance_disk(tmp_path):
    if not (shutil.which('qemu-img') and shutil.which('qemu-io')):
        pytest.skip('qemu-img and qemu-io (qemu-utils) are not installed')
    CONF.set_override('instances_path', str(tmp_path / 'instances'))
    CONF.set_override('snapshots_directory', str(tmp_path / 'snapshots'), group='libvirt')
    base = tmp_path / 'base.raw'
    with base.open('wb') as handle:
        handle.write(b'BASE-BYTES')
        handle.truncate(1024 * 1024)
    os.makedirs(instance_files.instance_dir(UUID))
    disk = instance_files.path(UUID, instance_files.DISK)
    qemu_img.create_overlay(disk, str(base), 'raw', 4 * 1024 * 1024)
    # The guest wrote a marker at 1 MiB of its overlay.
    subprocess.run(['qemu-io', '-f', 'qcow2', '-c', 'write -P 0x4d 1M 512', disk],
                   check=True, capture_output=True)
    yield disk
    CONF.clear_override('instances_path')
    CONF.clear_override('snapshots_directory', group='libvirt')


def test_running_guest_is_paused_around_the_copy(instance_disk, tmp_path, monkeypatch):
    domain = PausableDomain()
    uploads, tasks = [], []

    def upload(context, image_id, path, disk_format):
        assert domain.calls == ['pause', 'resume'], 'the guest runs again before the upload'
        converted = tmp_path / 'uploaded.raw'
        qemu_img.convert_to_raw(path, 'qcow2', converted)
        uploads.append((image_id, disk_format, qemu_img.info(path, 'qcow2'),
                        converted.read_bytes()))
    monkeypatch.setattr(snapshot.image_upload, 'upload', upload)
    snapshot.snapshot(domain, None, {'uuid': UUID}, 'image-1',
                      lambda task, expected_state=None: tasks.append((task, expected_state)))
    assert tasks == [(states.IMAGE_PENDING_UPLOAD, None),
                     (states.IMAGE_UPLOADING, states.IMAGE_PENDING_UPLOAD)]
    [(image_id, disk_format, info, data)] = uploads
    assert (image_id, disk_format) == ('image-1', 'qcow2')
    assert 'backing-filename' not in info, 'flattened: no backing file'
    assert info['virtual-size'] == 4 * 1024 * 1024
    assert data.startswith(b'BASE-BYTES'), 'the base image is in the copy'
    assert data[1024 * 1024:1024 * 1024 + 512] == b'M' * 512, 'the overlay is in it'
    assert os.listdir(CONF.libvirt.snapshots_directory) == []


def test_failed_copy_resumes_the_guest_and_leaves_nothing(instance_disk, monkeypatch):
    domain = PausableDomain()

    def broken(*args):
        raise exception.NovaException('qemu-img failed')
    monkeypatch.setattr(snapshot.qemu_img, 'run', broken)
    with pytest.raises(exception.NovaException):
        snapshot.snapshot(domain, None, {'uuid': UUID}, 'image-1', lambda *a, **k: None)
    assert domain.calls == ['pause', 'resume']
    assert os.listdir(CONF.libvirt.snapshots_directory) == []


def test_failed_upload_leaves_no_copy(instance_disk, monkeypatch):
    def broken(*args):
        raise exception.ImageServiceUnavailable(reason='gone')
    monkeypatch.setattr(snapshot.image_upload, 'upload', broken)
    with pytest.raises(exception.ImageServiceUnavailable):
        snapshot.snapshot(PausableDomain(), None, {'uuid': UUID}, 'image-1',
                          lambda *a, **k: None)
    assert os.listdir(CONF.libvirt.snapshots_directory) == []


def test_stopped_or_paused_guest_is_left_as_it_is(instance_disk, monkeypatch):
    monkeypatch.setattr(snapshot.image_upload, 'upload', lambda *args: None)
    for state in (libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_PAUSED):
        domain = PausableDomain(state)
        snapshot.snapshot(domain, None, {'uuid': UUID}, 'image-1', lambda *a, **k: None)
        assert domain.calls == [] and domain.current == state


def test_missing_disk_is_instance_not_found(tmp_path):
    CONF.set_override('instances_path', str(tmp_path))
    try:
        with pytest.raises(exception.InstanceNotFound):
            snapshot.snapshot(None, None, {'uuid': UUID}, 'image-1', lambda *a, **k: None)
    finally:
        CONF.clear_override('instances_path')
