"""The config drive of a block live migration: what the source offers
(only a drive it has, only when the destination does not share its
instances directory, only that file), that each offer is withdrawn once,
and what the destination fetches."""
import pytest

from nova_common.conf import CONF
from nova_compute.virt.libvirt import instance_files
from nova_compute.virt.libvirt import live_migration_config_drive as lm_drive

UUID = '0b4c6a62-5d0e-4b8f-9c1e-0f6d7a8b9c01'
BLOCK = {'block_migration': True, 'is_shared_instance_path': False, 'dest_host': 'h2'}


class FakeServer:
    """disk_transfer.DiskServer's offer and withdraw, recorded."""

    def __init__(self):
        self.offers = {}
        self.count = 0

    def offer(self, directory, names=None):
        self.count += 1
        url = 'http://10.0.0.1:8000/secret-%d/' % self.count
        self.offers[url] = (directory, names)
        return url

    def withdraw(self, url):
        self.offers.pop(url)  # KeyError: withdrawn twice, or never offered


@pytest.fixture
def instances(tmp_path):
    CONF.set_override('instances_path', str(tmp_path))
    yield tmp_path
    CONF.clear_override('instances_path')


def _with_drive(instances):
    directory = instances / UUID
    directory.mkdir()
    (directory / instance_files.CONFIG_DRIVE).write_bytes(b'ISO')
    return directory


def test_the_source_offers_only_its_config_drive_for_a_block_migration(instances):
    directory = _with_drive(instances)
    server = FakeServer()
    offers = lm_drive.Offers(server)
    data = offers.offer({'uuid': UUID}, BLOCK)
    url = data.pop(lm_drive.URL_KEY)
    assert data == BLOCK and lm_drive.URL_KEY not in BLOCK
    assert server.offers == {url: (str(directory), ('disk.config',))}
    assert offers.offered() == [UUID]

    offers.withdraw(UUID)
    assert server.offers == {} and offers.offered() == []
    offers.withdraw(UUID)  # the rollback after the post: nothing more to do


@pytest.mark.parametrize('has_drive, migrate_data', [
    (False, BLOCK),
    (True, dict(BLOCK, block_migration=False, is_shared_instance_path=True)),
])
def test_nothing_is_offered_without_a_drive_or_over_a_shared_directory(
        instances, has_drive, migrate_data):
    if has_drive:
        _with_drive(instances)
    server = FakeServer()
    offers = lm_drive.Offers(server)
    assert offers.offer({'uuid': UUID}, migrate_data) is migrate_data
    assert server.offers == {} and offers.offered() == []
    offers.withdraw(UUID)


def test_a_new_attempt_replaces_an_offer_left_from_an_earlier_one(instances):
    _with_drive(instances)
    server = FakeServer()
    offers = lm_drive.Offers(server)
    first = offers.offer({'uuid': UUID}, BLOCK)[lm_drive.URL_KEY]
    second = offers.offer({'uuid': UUID}, BLOCK)[lm_drive.URL_KEY]
    assert first != second and list(server.offers) == [second]
    offers.withdraw(UUID)
    assert server.offers == {}


def test_the_destination_fetches_the_offered_drive_into_the_instance_directory(
        instances, monkeypatch):
    fetched = []
    monkeypatch.setattr(lm_drive.disk_transfer, 'fetch',
                        lambda url, name, path: fetched.append((url, name, path)))
    assert lm_drive.fetch({'uuid': UUID}, BLOCK) is None
    assert lm_drive.fetch({'uuid': UUID}, None) is None
    assert fetched == []
    path = lm_drive.fetch({'uuid': UUID}, dict(BLOCK, config_drive_url='http://s/x/'))
    assert path == str(instances / UUID / 'disk.config')
    assert fetched == [('http://s/x/', 'disk.config', path)]
