"""The directory-backed image store: lifecycle, checksums, visibility and
ownership rules, listing, and concurrent uploads."""
import hashlib
import io
import json
import os
import threading

import pytest

from nova_common import context as nova_context
from nova_common import exception
from nova_common.image import local

DATA = b'\x00QFI' + os.urandom(3 * 1024 * 1024 + 17)


def ctx(project, admin=False):
    return nova_context.RequestContext(user_id=project + '-user', project_id=project,
                                       roles=['admin'] if admin else ['member'],
                                       is_admin=admin)


DEMO = ctx('demo')
OTHER = ctx('other')
ADMIN = ctx('admin', admin=True)


@pytest.fixture
def store(tmp_path):
    return local.LocalImageStore(str(tmp_path / 'images'))


def new_image(store, context=DEMO, **values):
    metadata = {'name': 'cirros', 'disk_format': 'qcow2', 'container_format': 'bare'}
    metadata.update(values)
    return store.create(context, metadata)


def test_create_upload_download_roundtrip(store, tmp_path):
    image = new_image(store, min_ram=64, properties={'hw_disk_bus': 'virtio'})
    assert image['status'] == 'queued'
    assert image['owner'] == 'demo'
    assert image['visibility'] == 'shared'
    assert image['size'] is None and image['checksum'] is None
    assert image['properties'] == {'hw_disk_bus': 'virtio'}

    active = store.upload(DEMO, image['id'], io.BytesIO(DATA), size=len(DATA))
    assert active['status'] == 'active'
    assert active['size'] == len(DATA)
    assert active['checksum'] == hashlib.md5(DATA).hexdigest()
    assert active['os_hash_algo'] == 'sha512'
    assert active['os_hash_value'] == hashlib.sha512(DATA).hexdigest()
    assert store.get(DEMO, image['id']) == active

    dest = tmp_path / 'copy'
    store.download(DEMO, image['id'], str(dest))
    assert dest.read_bytes() == DATA
    assert not [name for name in os.listdir(store.root) if name.startswith('.upload-')]


def test_metadata_is_one_json_file_per_image(store):
    image = new_image(store)
    with open(os.path.join(store.root, image['id'] + '.json')) as handle:
        assert json.load(handle)['name'] == 'cirros'
    assert local.LocalImageStore(store.root).get(DEMO, image['id']) == image


def test_download_detects_corrupted_data(store, tmp_path):
    image = new_image(store)
    store.upload(DEMO, image['id'], io.BytesIO(DATA))
    with open(os.path.join(store.root, image['id'] + '.data'), 'r+b') as handle:
        handle.seek(100)
        handle.write(b'corrupt')
    dest = tmp_path / 'copy'
    with pytest.raises(exception.ImageChecksumMismatch):
        store.download(DEMO, image['id'], str(dest))
    assert not dest.exists()
    assert not [name for name in os.listdir(tmp_path) if name.startswith('.download-')]


def test_download_without_data_is_refused(store, tmp_path):
    image = new_image(store)
    with pytest.raises(exception.ImageUnacceptable):
        store.download(DEMO, image['id'], str(tmp_path / 'copy'))
    assert store.open_data(DEMO, image['id'])[1] is None


def test_upload_twice_conflicts(store):
    image = new_image(store)
    store.upload(DEMO, image['id'], io.BytesIO(b'abc'))
    with pytest.raises(exception.Conflict):
        store.upload(DEMO, image['id'], io.BytesIO(b'def'))
    assert store.get(DEMO, image['id'])['size'] == 3


def test_short_upload_leaves_image_queued(store):
    image = new_image(store)
    with pytest.raises(exception.Invalid):
        store.upload(DEMO, image['id'], io.BytesIO(b'abc'), size=10)
    after = store.get(DEMO, image['id'])
    assert after['status'] == 'queued'
    assert after['checksum'] is None
    assert sorted(os.listdir(store.root)) == ['.lock', image['id'] + '.json']


def test_upload_over_size_cap_is_refused(store):
    from nova_common.conf import CONF
    CONF.set_override('image_size_cap', 1000, group='image')
    image = new_image(store)
    with pytest.raises(exception.RequestTooLarge):
        store.upload(DEMO, image['id'], io.BytesIO(b'x' * 1001))
    with pytest.raises(exception.RequestTooLarge):
        store.upload(DEMO, image['id'], io.BytesIO(b''), size=5000)
    assert store.get(DEMO, image['id'])['status'] == 'queued'


def test_upload_needs_formats(store):
    image = store.create(DEMO, {'name': 'bare-metadata'})
    with pytest.raises(exception.Invalid, match='disk_format, container_format'):
        store.upload(DEMO, image['id'], io.BytesIO(b'abc'))


def test_create_validates(store):
    with pytest.raises(exception.Invalid, match='disk_format'):
        new_image(store, disk_format='floppy')
    with pytest.raises(exception.Invalid, match='min_ram'):
        new_image(store, min_ram=-1)
    with pytest.raises(exception.Invalid):
        new_image(store, properties={'number': 5})
    with pytest.raises(exception.Invalid):
        new_image(store, id='not-a-uuid')
    assert store.list(ADMIN) == []


def test_create_with_id_and_duplicate(store):
    image_id = '9f6c4d6c-3e1f-4a3e-b0a4-1d6a5a0c2f11'
    assert new_image(store, id=image_id)['id'] == image_id
    with pytest.raises(exception.ImageExists):
        new_image(store, id=image_id)


def test_only_admin_publicizes_or_names_another_owner(store):
    with pytest.raises(exception.Forbidden):
        new_image(store, visibility='public')
    with pytest.raises(exception.Forbidden):
        new_image(store, owner='other')
    image = new_image(store)
    with pytest.raises(exception.Forbidden):
        store.update(DEMO, image['id'], [('replace', 'visibility', 'public')])
    assert new_image(store, ADMIN, visibility='public', owner='demo')['owner'] == 'demo'
    assert store.update(ADMIN, image['id'], [('replace', 'visibility', 'public')])[
        'visibility'] == 'public'


def test_visibility_rules(store):
    private = new_image(store, visibility='private')
    shared = new_image(store, visibility='shared')
    community = new_image(store, visibility='community')
    public = new_image(store, ADMIN, visibility='public')
    for image in (private, shared):
        with pytest.raises(exception.ImageNotFound):
            store.get(OTHER, image['id'])
        assert store.get(ADMIN, image['id'])['id'] == image['id']
    assert store.get(OTHER, community['id'])['id'] == community['id']
    assert store.get(OTHER, public['id'])['id'] == public['id']

    def ids(context, **filters):
        return {image['id'] for image in store.list(context, filters=filters)}

    assert ids(OTHER) == {public['id']}
    assert ids(OTHER, visibility='community') == {community['id']}
    assert ids(OTHER, visibility='all') == {public['id'], community['id']}
    assert ids(DEMO) == {private['id'], shared['id'], community['id'], public['id']}
    assert ids(DEMO, visibility='private') == {private['id']}
    assert ids(ADMIN) == {private['id'], shared['id'], community['id'], public['id']}


def test_only_owner_or_admin_modifies(store):
    image = new_image(store, ADMIN, visibility='public', owner='demo')
    for call in (lambda c: store.update(c, image['id'], [('add', 'a', 'b')]),
                 lambda c: store.upload(c, image['id'], io.BytesIO(b'x')),
                 lambda c: store.add_tag(c, image['id'], 't'),
                 lambda c: store.delete(c, image['id'])):
        with pytest.raises(exception.Forbidden):
            call(OTHER)
    assert store.get(OTHER, image['id'])['properties'] == {}
    assert store.update(DEMO, image['id'], [('add', 'a', 'b')])['properties'] == {'a': 'b'}
    with pytest.raises(exception.Forbidden):
        store.update(DEMO, image['id'], [('replace', 'owner', 'other')])
    assert store.update(ADMIN, image['id'], [('replace', 'owner', 'other')])['owner'] == 'other'


def test_update_semantics(store):
    image = new_image(store, properties={'os_distro': 'cirros'})
    updated = store.update(DEMO, image['id'], [
        ('replace', 'name', 'renamed'), ('add', 'os_distro', 'ubuntu'),
        ('add', 'hw_qemu_guest_agent', 'yes'), ('replace', 'min_disk', 2)])
    assert updated['name'] == 'renamed'
    assert updated['min_disk'] == 2
    assert updated['properties'] == {'os_distro': 'ubuntu', 'hw_qemu_guest_agent': 'yes'}
    assert store.update(DEMO, image['id'], [('remove', 'os_distro', None)])[
        'properties'] == {'hw_qemu_guest_agent': 'yes'}
    with pytest.raises(exception.Conflict):
        store.update(DEMO, image['id'], [('remove', 'missing', None)])
    with pytest.raises(exception.Conflict):
        store.update(DEMO, image['id'], [('replace', 'missing', 'x')])
    with pytest.raises(exception.Forbidden):
        store.update(DEMO, image['id'], [('remove', 'name', None)])
    with pytest.raises(exception.Invalid):
        store.update(DEMO, image['id'], [('replace', 'min_ram', 'lots')])
    assert store.get(DEMO, image['id'])['min_ram'] == 0


def test_formats_are_fixed_once_data_is_there(store):
    image = new_image(store)
    assert store.update(DEMO, image['id'], [('replace', 'disk_format', 'raw')])[
        'disk_format'] == 'raw'
    store.upload(DEMO, image['id'], io.BytesIO(b'abc'))
    with pytest.raises(exception.Forbidden, match="disk_format"):
        store.update(DEMO, image['id'], [('replace', 'disk_format', 'qcow2')])


def test_delete(store, tmp_path):
    image = new_image(store)
    store.upload(DEMO, image['id'], io.BytesIO(b'abc'))
    store.delete(DEMO, image['id'])
    with pytest.raises(exception.ImageNotFound):
        store.get(DEMO, image['id'])
    assert os.listdir(store.root) == ['.lock']
    with pytest.raises(exception.ImageNotFound):
        store.delete(DEMO, image['id'])


def test_protected_image_cannot_be_deleted(store):
    image = new_image(store, protected=True)
    with pytest.raises(exception.Forbidden, match='protected'):
        store.delete(DEMO, image['id'])
    store.update(DEMO, image['id'], [('replace', 'protected', False)])
    store.delete(DEMO, image['id'])


def test_tags(store):
    image = new_image(store, tags=['a'])
    assert store.add_tag(DEMO, image['id'], 'b')['tags'] == ['a', 'b']
    assert store.add_tag(DEMO, image['id'], 'b')['tags'] == ['a', 'b']
    assert store.delete_tag(DEMO, image['id'], 'a')['tags'] == ['b']
    with pytest.raises(exception.NotFound):
        store.delete_tag(DEMO, image['id'], 'a')
    assert [i['id'] for i in store.list(DEMO, filters={'tag': ['b']})] == [image['id']]
    assert store.list(DEMO, filters={'tag': ['a']}) == []


def test_list_filters_sort_and_paging(store):
    made = [new_image(store, name='img-%d' % i, min_ram=i % 2,
                      properties={'parity': str(i % 2)}) for i in range(5)]
    hidden = new_image(store, name='hidden', os_hidden=True)
    store.upload(DEMO, made[0]['id'], io.BytesIO(b'x'))

    names = [i['name'] for i in store.list(DEMO, sort_keys=['name'], sort_dirs=['asc'])]
    assert names == ['img-0', 'img-1', 'img-2', 'img-3', 'img-4']
    assert [i['name'] for i in store.list(DEMO, filters={'os_hidden': True})] == ['hidden']
    assert hidden['id'] not in {i['id'] for i in store.list(DEMO)}
    assert [i['name'] for i in store.list(DEMO, filters={'name': 'img-3'})] == ['img-3']
    assert {i['name'] for i in store.list(DEMO, filters={'name': ['img-1', 'img-2']})} == {
        'img-1', 'img-2'}
    assert [i['name'] for i in store.list(DEMO, filters={'status': 'active'})] == ['img-0']
    assert {i['name'] for i in store.list(DEMO, filters={'parity': '1'})} == {'img-1', 'img-3'}

    by_ram = store.list(DEMO, sort_keys=['min_ram', 'name'], sort_dirs=['desc', 'asc'])
    assert [i['name'] for i in by_ram] == ['img-1', 'img-3', 'img-0', 'img-2', 'img-4']

    pages, marker = [], None
    while True:
        page = store.list(DEMO, sort_keys=['name'], sort_dirs=['asc'], limit=2, marker=marker)
        if not page:
            break
        pages.append([i['name'] for i in page])
        marker = page[-1]['id']
    assert pages == [['img-0', 'img-1'], ['img-2', 'img-3'], ['img-4']]

    with pytest.raises(exception.MarkerNotFound):
        store.list(DEMO, marker='9f6c4d6c-3e1f-4a3e-b0a4-1d6a5a0c2f11')
    with pytest.raises(exception.Invalid, match='sort key'):
        store.list(DEMO, sort_keys=['checksum'])
    with pytest.raises(exception.Invalid, match='sort direction'):
        store.list(DEMO, sort_keys=['name'], sort_dirs=['up'])


def test_concurrent_uploads_to_one_image_activate_it_once(store):
    image = new_image(store)
    results = []

    def upload(payload):
        try:
            results.append(store.upload(DEMO, image['id'], io.BytesIO(payload))['checksum'])
        except exception.Conflict:
            results.append('conflict')

    payloads = [bytes([n]) * 200000 for n in range(8)]
    threads = [threading.Thread(target=upload, args=(p,)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [r for r in results if r != 'conflict']
    assert len(winners) == 1
    final = store.get(DEMO, image['id'])
    assert final['status'] == 'active' and final['checksum'] == winners[0]
    with open(os.path.join(store.root, image['id'] + '.data'), 'rb') as handle:
        assert hashlib.md5(handle.read()).hexdigest() == winners[0]


def test_concurrent_updates_lose_nothing(store):
    image = new_image(store)

    def add(n):
        store.update(DEMO, image['id'], [('add', 'key%d' % n, str(n))])

    threads = [threading.Thread(target=add, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.get(DEMO, image['id'])['properties']) == 20


def test_image_deleted_during_upload(store):
    image = new_image(store)

    class DeletingReader(io.BytesIO):
        def read(self, size=-1):
            chunk = super().read(size)
            if not chunk and store._load(image['id']) is not None:
                store.delete(DEMO, image['id'])
            return chunk

    with pytest.raises(exception.Conflict, match='deleted'):
        store.upload(DEMO, image['id'], DeletingReader(b'abc'))
    assert os.listdir(store.root) == ['.lock']
