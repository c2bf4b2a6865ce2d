"""Tables of a cell database (cell0, cell1, ...): instances and what hangs off
them, compute nodes, services and migrations."""
from oslo_db.sqlalchemy import models
from sqlalchemy import (BigInteger, Boolean, Column, DateTime, Float,
                        ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import declarative_base

BASE = declarative_base()


class _Base(models.SoftDeleteMixin, models.TimestampMixin, models.ModelBase):
    pass


class Service(BASE, _Base):
    __tablename__ = 'services'
    __table_args__ = (
        UniqueConstraint('host', 'topic', 'deleted', name='uniq_services0host0topic0deleted'),
        UniqueConstraint('host', 'binary', 'deleted', name='uniq_services0host0binary0deleted'),
        UniqueConstraint('uuid', name='uniq_services0uuid'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    host = Column(String(255))
    binary = Column(String(255))
    topic = Column(String(255))
    report_count = Column(Integer, nullable=False, default=0)
    disabled = Column(Boolean, default=False)
    disabled_reason = Column(String(255))
    last_seen_up = Column(DateTime)
    forced_down = Column(Boolean, default=False)
    version = Column(Integer, default=0)


class ComputeNode(BASE, _Base):
    __tablename__ = 'compute_nodes'
    __table_args__ = (
        UniqueConstraint('host', 'hypervisor_hostname', 'deleted',
                         name='uniq_compute_nodes0host0hypervisor_hostname0deleted'),
        UniqueConstraint('uuid', name='uniq_compute_nodes0uuid'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    service_id = Column(Integer)
    host = Column(String(255))
    hypervisor_hostname = Column(String(255))
    hypervisor_type = Column(String(255))
    hypervisor_version = Column(Integer)
    cpu_info = Column(Text)
    vcpus = Column(Integer, nullable=False, default=0)
    memory_mb = Column(Integer, nullable=False, default=0)
    local_gb = Column(Integer, nullable=False, default=0)
    vcpus_used = Column(Integer, nullable=False, default=0)
    memory_mb_used = Column(Integer, nullable=False, default=0)
    local_gb_used = Column(Integer, nullable=False, default=0)
    free_ram_mb = Column(Integer)
    free_disk_gb = Column(Integer)
    running_vms = Column(Integer)
    host_ip = Column(String(39))
    cpu_allocation_ratio = Column(Float)
    ram_allocation_ratio = Column(Float)
    disk_allocation_ratio = Column(Float)
    stats = Column(Text)
    mapped = Column(Integer, nullable=False, default=0)


class Instance(BASE, _Base):
    __tablename__ = 'instances'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_instances0uuid'),
        Index('instances_project_id_deleted_idx', 'project_id', 'deleted'),
        Index('instances_host_deleted_idx', 'host', 'deleted'),
        Index('instances_created_at_idx', 'created_at'),
        Index('instances_updated_at_project_id_idx', 'updated_at', 'project_id'),
    )
    id = Column(Integer, primary_key=True, autoincrement=True)
    uuid = Column(String(36), nullable=False)
    user_id = Column(String(255))
    project_id = Column(String(255))
    image_ref = Column(String(255))
    kernel_id = Column(String(255))
    ramdisk_id = Column(String(255))
    hostname = Column(String(255))
    display_name = Column(String(255))
    display_description = Column(Text)
    launch_index = Column(Integer)
    key_name = Column(String(255))
    key_data = Column(Text)
    power_state = Column(Integer, default=0)
    vm_state = Column(String(255))
    task_state = Column(String(255))
    memory_mb = Column(Integer)
    vcpus = Column(Integer)
    root_gb = Column(Integer)
    ephemeral_gb = Column(Integer)
    instance_type_id = Column(Integer)
    flavor = Column(Text)
    user_data = Column(Text)
    reservation_id = Column(String(255))
    launched_at = Column(DateTime)
    terminated_at = Column(DateTime)
    availability_zone = Column(String(255))
    host = Column(String(255))
    node = Column(String(255))
    launched_on = Column(Text)
    locked = Column(Boolean, default=False)
    locked_by = Column(String(255))
    config_drive = Column(String(255))
    access_ip_v4 = Column(String(39))
    access_ip_v6 = Column(String(39))
    progress = Column(Integer)
    auto_disk_config = Column(Boolean)
    os_type = Column(String(255))
    architecture = Column(String(255))
    vm_mode = Column(String(255))
    root_device_name = Column(String(255))
    default_ephemeral_device = Column(String(255))
    default_swap_device = Column(String(255))
    shutdown_terminate = Column(Boolean, default=False)
    disable_terminate = Column(Boolean, default=False)
    cleaned = Column(Integer, default=0)
    compute_id = Column(BigInteger)
    request_spec = Column(Text)
    networks = Column(Text)
    # The flavors of a resize in progress (JSON, like ``flavor``).
    old_flavor = Column(Text)
    new_flavor = Column(Text)


class InstanceFault(BASE, _Base):
    __tablename__ = 'instance_faults'
    __table_args__ = (Index('instance_faults_instance_uuid_deleted_created_at_idx',
                            'instance_uuid', 'deleted', 'created_at'),)
    id = Column(Integer, primary_key=True)
    instance_uuid = Column(String(36), ForeignKey('instances.uuid'))
    code = Column(Integer, nullable=False)
    message = Column(String(255))
    details = Column(Text)
    host = Column(String(255))


class InstanceAction(BASE, _Base):
    __tablename__ = 'instance_actions'
    __table_args__ = (
        Index('instance_uuid_idx', 'instance_uuid'),
        Index('request_id_idx', 'request_id'),
    )
    id = Column(Integer, primary_key=True)
    action = Column(String(255))
    instance_uuid = Column(String(36), ForeignKey('instances.uuid'))
    request_id = Column(String(255))
    user_id = Column(String(255))
    project_id = Column(String(255))
    start_time = Column(DateTime)
    finish_time = Column(DateTime)
    message = Column(String(255))


class InstanceActionEvent(BASE, _Base):
    __tablename__ = 'instance_actions_events'
    id = Column(Integer, primary_key=True)
    event = Column(String(255))
    action_id = Column(Integer, ForeignKey('instance_actions.id'))
    start_time = Column(DateTime)
    finish_time = Column(DateTime)
    result = Column(String(255))
    traceback = Column(Text)
    host = Column(String(255))
    details = Column(Text)


class InstanceMetadata(BASE, _Base):
    __tablename__ = 'instance_metadata'
    __table_args__ = (Index('instance_metadata_instance_uuid_idx', 'instance_uuid'),)
    id = Column(Integer, primary_key=True)
    key = Column(String(255))
    value = Column(String(255))
    instance_uuid = Column(String(36), ForeignKey('instances.uuid'))


class InstanceSystemMetadata(BASE, _Base):
    __tablename__ = 'instance_system_metadata'
    __table_args__ = (Index('instance_uuid', 'instance_uuid'),)
    id = Column(Integer, primary_key=True)
    key = Column(String(255), nullable=False)
    value = Column(String(255))
    instance_uuid = Column(String(36), ForeignKey('instances.uuid'), nullable=False)


class Tag(BASE, models.ModelBase):
    __tablename__ = 'tags'
    __table_args__ = (Index('tags_tag_idx', 'tag'),)
    resource_id = Column(String(36), primary_key=True, nullable=False)
    tag = Column(String(80), primary_key=True, nullable=False)


class Migration(BASE, _Base):
    __tablename__ = 'migrations'
    __table_args__ = (Index('migrations_instance_uuid_and_status_idx',
                            'deleted', 'instance_uuid', 'status'),)
    id = Column(Integer, primary_key=True, nullable=False)
    uuid = Column(String(36))
    source_compute = Column(String(255))
    dest_compute = Column(String(255))
    source_node = Column(String(255))
    dest_node = Column(String(255))
    dest_host = Column(String(255))
    old_instance_type_id = Column(Integer)
    new_instance_type_id = Column(Integer)
    instance_uuid = Column(String(36), ForeignKey('instances.uuid'))
    status = Column(String(255))
    migration_type = Column(String(255))
    hidden = Column(Boolean, default=False)
    user_id = Column(String(255))
    project_id = Column(String(255))
    # A live migration's progress (bytes), from the hypervisor's job info.
    memory_total = Column(BigInteger, nullable=True)
    memory_processed = Column(BigInteger, nullable=True)
    memory_remaining = Column(BigInteger, nullable=True)
    disk_total = Column(BigInteger, nullable=True)
    disk_processed = Column(BigInteger, nullable=True)
    disk_remaining = Column(BigInteger, nullable=True)


class ConsoleAuthToken(BASE, models.TimestampMixin, models.ModelBase):
    __tablename__ = 'console_auth_tokens'
    __table_args__ = (
        UniqueConstraint('token_hash', name='uniq_console_auth_tokens0token_hash'),
    )
    id = Column(Integer, primary_key=True, nullable=False)
    token_hash = Column(String(255), nullable=False)
    console_type = Column(String(255), nullable=False)
    host = Column(String(255), nullable=False)
    port = Column(Integer, nullable=False)
    internal_access_path = Column(String(255))
    instance_uuid = Column(String(36), ForeignKey('instances.uuid'), nullable=False)
    expires = Column(Integer, nullable=False)


class TaskLog(BASE, _Base):
    """One run of a compute's periodic audit (instance_usage_audit) for
    one period: RUNNING, then DONE with its item and error counts."""
    __tablename__ = 'task_log'
    __table_args__ = (
        Index('ix_task_log_period_beginning', 'period_beginning'),
        Index('ix_task_log_host', 'host'),
        Index('ix_task_log_period_ending', 'period_ending'),
        UniqueConstraint('task_name', 'host', 'period_beginning', 'period_ending',
                         name='uniq_task_name_x_host_x_period_beginning_x_period_ending'),
    )
    id = Column(Integer, primary_key=True, nullable=False)
    task_name = Column(String(255), nullable=False)
    state = Column(String(255), nullable=False)
    host = Column(String(255), nullable=False)
    period_beginning = Column(DateTime, nullable=False)
    period_ending = Column(DateTime, nullable=False)
    message = Column(String(255), nullable=False)
    task_items = Column(Integer(), default=0)
    errors = Column(Integer(), default=0)
