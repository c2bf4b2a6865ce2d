"""Backup rotation and the task updates a driver's snapshot drives, on the
compute side, with a stand-in image service and conductor."""
from nova_common import compute_states as states
from nova_common import exception
from nova_compute import shelve
from nova_compute import snapshot


class Images:
    """Backups of one instance, as the image API lists them (newest first
    by created_at; equal times in any order)."""

    def __init__(self, backups):
        self.backups = backups
        self.deleted = []

    def list(self, context, filters=None, sort_keys=None, sort_dirs=None):
        assert filters['image_type'] == 'backup'
        assert (sort_keys, sort_dirs) == (['created_at'], ['desc'])
        return sorted((b for b in self.backups if b['backup_type'] == filters['backup_type']),
                      key=lambda b: b['created_at'], reverse=True)

    def delete(self, context, image_id):
        self.deleted.append(image_id)


def backup(image_id, created_at, backup_type='daily'):
    return {'id': image_id, 'created_at': created_at, 'backup_type': backup_type}


def rotate(monkeypatch, backups, new_id, rotation):
    images = Images(backups)
    monkeypatch.setattr(snapshot.image_api, 'ImageAPI', lambda: images)
    snapshot.rotate_backups(None, 'uuid', new_id, 'daily', rotation)
    return images.deleted


def test_rotation_keeps_the_new_backup_and_the_newest(monkeypatch):
    # Made within one second: the listing cannot tell the new one apart.
    backups = [backup('old', '10:00:00'), backup('middle', '10:00:05'),
               backup('new', '10:00:05'), backup('weekly', '09:00', 'weekly')]
    assert rotate(monkeypatch, backups, 'new', 2) == ['old']
    assert rotate(monkeypatch, backups, 'new', 1) == ['middle', 'old']


def test_rotation_zero_deletes_every_backup(monkeypatch):
    backups = [backup('new', '2'), backup('old', '1')]
    assert rotate(monkeypatch, backups, 'new', 0) == ['new', 'old']


def test_rotation_above_the_count_deletes_nothing(monkeypatch):
    assert rotate(monkeypatch, [backup('new', '1')], 'new', 3) == []


class Conductor:
    def __init__(self, fail_on=None):
        self.updates = []
        self.fail_on = fail_on

    def instance_update(self, context, uuid, values, expected=None, record_event=None):
        if values.get('task_state') == self.fail_on:
            raise exception.InstanceInvalidState(action='x', instance_uuid=uuid,
                                                 attr='task_state', state='deleting')
        self.updates.append((values['task_state'], expected['task_state']))


def test_snapshot_task_updates_are_guarded_by_the_previous_state():
    conductor = Conductor()
    update = snapshot.TaskUpdater(None, conductor, 'uuid', states.IMAGE_SNAPSHOT)
    update(states.IMAGE_PENDING_UPLOAD)
    update(states.IMAGE_UPLOADING, expected_state=states.IMAGE_PENDING_UPLOAD)
    assert conductor.updates == [(states.IMAGE_PENDING_UPLOAD, states.IMAGE_SNAPSHOT),
                                 (states.IMAGE_UPLOADING, states.IMAGE_PENDING_UPLOAD)]
    assert update.current == states.IMAGE_UPLOADING


def test_shelve_maps_the_drivers_task_states():
    conductor = Conductor()
    update = shelve._ShelvingTaskUpdater(None, conductor, 'uuid', states.SHELVING)
    update(states.IMAGE_PENDING_UPLOAD)
    update(states.IMAGE_UPLOADING, expected_state=states.IMAGE_PENDING_UPLOAD)
    assert conductor.updates == [
        (states.SHELVING_IMAGE_PENDING_UPLOAD, states.SHELVING),
        (states.SHELVING_IMAGE_UPLOADING, states.SHELVING_IMAGE_PENDING_UPLOAD)]


def test_a_task_update_the_record_refuses_stops_the_snapshot():
    conductor = Conductor(fail_on=states.IMAGE_UPLOADING)
    update = snapshot.TaskUpdater(None, conductor, 'uuid', states.IMAGE_SNAPSHOT)
    update(states.IMAGE_PENDING_UPLOAD)
    try:
        update(states.IMAGE_UPLOADING)
    except exception.InstanceInvalidState:
        pass
    else:
        raise AssertionError('the update did not raise')
    assert update.current == states.IMAGE_PENDING_UPLOAD
