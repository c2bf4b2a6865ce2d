"""Instance states: where the guest is (vm_state), what is being done to it
(task_state), what the hypervisor says (power_state), and the API status
derived from the first two, as the Compute API reference defines it."""

# vm_state
ACTIVE = 'active'
BUILDING = 'building'
PAUSED = 'paused'
SUSPENDED = 'suspended'
STOPPED = 'stopped'
RESCUED = 'rescued'
RESIZED = 'resized'
SOFT_DELETED = 'soft-delete'
DELETED = 'deleted'
ERROR = 'error'
SHELVED = 'shelved'
SHELVED_OFFLOADED = 'shelved_offloaded'

# Every vm_state but deleted: what a delete may start from.
LIVE_VM_STATES = (ACTIVE, BUILDING, PAUSED, SUSPENDED, STOPPED, RESCUED, RESIZED,
                  SOFT_DELETED, ERROR, SHELVED, SHELVED_OFFLOADED)

# task_state
SCHEDULING = 'scheduling'
BLOCK_DEVICE_MAPPING = 'block_device_mapping'
NETWORKING = 'networking'
SPAWNING = 'spawning'
DELETING = 'deleting'
SOFT_DELETING = 'soft-deleting'
RESTORING = 'restoring'
POWERING_OFF = 'powering-off'
POWERING_ON = 'powering-on'
REBOOTING = 'rebooting'
REBOOT_PENDING = 'reboot_pending'
REBOOT_STARTED = 'reboot_started'
REBOOTING_HARD = 'rebooting_hard'
REBOOT_PENDING_HARD = 'reboot_pending_hard'
REBOOT_STARTED_HARD = 'reboot_started_hard'
PAUSING = 'pausing'
UNPAUSING = 'unpausing'
SUSPENDING = 'suspending'
RESUMING = 'resuming'
REBUILDING = 'rebuilding'
REBUILD_BLOCK_DEVICE_MAPPING = 'rebuild_block_device_mapping'
REBUILD_SPAWNING = 'rebuild_spawning'
RESCUING = 'rescuing'
UNRESCUING = 'unrescuing'
MIGRATING = 'migrating'
RESIZE_PREP = 'resize_prep'
# Resize and cold migration: prep (API) -> migrating (source) -> migrated
# -> finish (destination) -> vm_state resized; then confirming or reverting.
RESIZE_MIGRATING = 'resize_migrating'
RESIZE_MIGRATED = 'resize_migrated'
RESIZE_FINISH = 'resize_finish'
RESIZE_REVERTING = 'resize_reverting'
RESIZE_CONFIRMING = 'resize_confirming'
RESIZE_TASK_STATES = (RESIZE_PREP, RESIZE_MIGRATING, RESIZE_MIGRATED, RESIZE_FINISH)
# Snapshots and backups: the API sets the first, the compute the rest.
IMAGE_SNAPSHOT_PENDING = 'image_snapshot_pending'
IMAGE_SNAPSHOT = 'image_snapshot'
IMAGE_BACKUP = 'image_backup'
IMAGE_PENDING_UPLOAD = 'image_pending_upload'
IMAGE_UPLOADING = 'image_uploading'
# Shelve, offload, unshelve.
SHELVING = 'shelving'
SHELVING_IMAGE_PENDING_UPLOAD = 'shelving_image_pending_upload'
SHELVING_IMAGE_UPLOADING = 'shelving_image_uploading'
SHELVING_OFFLOADING = 'shelving_offloading'
UNSHELVING = 'unshelving'

# power_state (the numbers Nova exposes as OS-EXT-STS:power_state)
NOSTATE = 0
RUNNING = 1
POWER_PAUSED = 3
SHUTDOWN = 4
CRASHED = 6
POWER_SUSPENDED = 7

_STATUS_BY_VM_STATE = {
    ACTIVE: 'ACTIVE',
    BUILDING: 'BUILD',
    STOPPED: 'SHUTOFF',
    RESIZED: 'VERIFY_RESIZE',
    PAUSED: 'PAUSED',
    SUSPENDED: 'SUSPENDED',
    RESCUED: 'RESCUE',
    ERROR: 'ERROR',
    DELETED: 'DELETED',
    SOFT_DELETED: 'SOFT_DELETED',
    SHELVED: 'SHELVED',
    SHELVED_OFFLOADED: 'SHELVED_OFFLOADED',
}

# (vm_state, task_state) pairs whose status is not the vm_state's own.
_STATUS_BY_TASK = {
    ACTIVE: {REBOOTING: 'REBOOT', REBOOT_PENDING: 'REBOOT', REBOOT_STARTED: 'REBOOT',
             REBOOTING_HARD: 'HARD_REBOOT', REBOOT_PENDING_HARD: 'HARD_REBOOT',
             REBOOT_STARTED_HARD: 'HARD_REBOOT', REBUILDING: 'REBUILD',
             REBUILD_BLOCK_DEVICE_MAPPING: 'REBUILD', REBUILD_SPAWNING: 'REBUILD',
             MIGRATING: 'MIGRATING', RESIZE_PREP: 'RESIZE', RESIZE_MIGRATING: 'RESIZE',
             RESIZE_MIGRATED: 'RESIZE', RESIZE_FINISH: 'RESIZE'},
    STOPPED: {REBUILDING: 'REBUILD', REBUILD_BLOCK_DEVICE_MAPPING: 'REBUILD',
              REBUILD_SPAWNING: 'REBUILD', RESIZE_PREP: 'RESIZE', RESIZE_MIGRATING: 'RESIZE',
              RESIZE_MIGRATED: 'RESIZE', RESIZE_FINISH: 'RESIZE'},
    RESIZED: {RESIZE_REVERTING: 'REVERT_RESIZE'},
    PAUSED: {MIGRATING: 'MIGRATING'},
    ERROR: {REBUILDING: 'REBUILD', REBUILD_BLOCK_DEVICE_MAPPING: 'REBUILD',
            REBUILD_SPAWNING: 'REBUILD'},
}

POWER_STATE_NAMES = {NOSTATE: 'pending', RUNNING: 'running', POWER_PAUSED: 'paused',
                     SHUTDOWN: 'shutdown', CRASHED: 'crashed', POWER_SUSPENDED: 'suspended'}


def status(vm_state, task_state):
    """The API ``status`` of an instance (UNKNOWN for a pair we do not know)."""
    by_task = _STATUS_BY_TASK.get(vm_state, {})
    if task_state in by_task:
        return by_task[task_state]
    return _STATUS_BY_VM_STATE.get(vm_state, 'UNKNOWN')


def states_for_status(api_status):
    """[(vm_state, task_states or None)] an API status filter selects;
    ``None`` for task states means any."""
    wanted = api_status.upper()
    pairs = []
    for vm_state, name in _STATUS_BY_VM_STATE.items():
        if name == wanted:
            excluded = list(_STATUS_BY_TASK.get(vm_state, {}))
            pairs.append((vm_state, ('not', excluded) if excluded else None))
    for vm_state, tasks in _STATUS_BY_TASK.items():
        matching = [task for task, name in tasks.items() if name == wanted]
        if matching:
            pairs.append((vm_state, ('in', matching)))
    return pairs
