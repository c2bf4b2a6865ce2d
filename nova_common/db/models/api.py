"""Tables of the API database (nova_api): cells, mappings, flavors, keypairs,
quotas, aggregates, server groups, build requests and the resource ledger."""
from oslo_db.sqlalchemy import models
from sqlalchemy import (Boolean, Column, Float, ForeignKey, Index, Integer,
                        String, Text, UniqueConstraint, orm)
from sqlalchemy.orm import declarative_base

BASE = declarative_base()


class _Base(models.TimestampMixin, models.ModelBase):
    pass


class CellMapping(BASE, _Base):
    __tablename__ = 'cell_mappings'
    __table_args__ = (UniqueConstraint('uuid', name='uniq_cell_mappings0uuid'),)
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    name = Column(String(255))
    transport_url = Column(Text)
    database_connection = Column(Text)
    disabled = Column(Boolean, default=False, nullable=False)


class HostMapping(BASE, _Base):
    __tablename__ = 'host_mappings'
    __table_args__ = (UniqueConstraint('host', name='uniq_host_mappings0host'),)
    id = Column(Integer, primary_key=True)
    cell_id = Column(Integer, ForeignKey('cell_mappings.id'), nullable=False)
    host = Column(String(255), nullable=False)


class InstanceMapping(BASE, _Base):
    __tablename__ = 'instance_mappings'
    __table_args__ = (
        UniqueConstraint('instance_uuid', name='uniq_instance_mappings0instance_uuid'),
        Index('instance_mappings_project_id_idx', 'project_id'),
        Index('instance_mappings_cell_id_idx', 'cell_id'),
    )
    id = Column(Integer, primary_key=True)
    instance_uuid = Column(String(36), nullable=False)
    cell_id = Column(Integer, ForeignKey('cell_mappings.id'), nullable=True)
    project_id = Column(String(255), nullable=False)
    user_id = Column(String(255), nullable=True)
    queued_for_delete = Column(Boolean, default=False, nullable=False)


class BuildRequest(BASE, _Base):
    __tablename__ = 'build_requests'
    __table_args__ = (
        UniqueConstraint('instance_uuid', name='uniq_build_requests0instance_uuid'),
        Index('build_requests_project_id_idx', 'project_id'),
    )
    id = Column(Integer, primary_key=True)
    instance_uuid = Column(String(36), nullable=False)
    project_id = Column(String(255), nullable=False)
    instance = Column(Text)
    tags = Column(Text)


class RequestSpec(BASE, _Base):
    __tablename__ = 'request_specs'
    __table_args__ = (
        UniqueConstraint('instance_uuid', name='uniq_request_specs0instance_uuid'),
    )
    id = Column(Integer, primary_key=True)
    instance_uuid = Column(String(36), nullable=False)
    spec = Column(Text, nullable=False)


class Flavor(BASE, _Base):
    __tablename__ = 'flavors'
    __table_args__ = (
        UniqueConstraint('flavorid', name='uniq_flavors0flavorid'),
        UniqueConstraint('name', name='uniq_flavors0name'),
    )
    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False)
    memory_mb = Column(Integer, nullable=False)
    vcpus = Column(Integer, nullable=False)
    root_gb = Column(Integer)
    ephemeral_gb = Column(Integer)
    flavorid = Column(String(255), nullable=False)
    swap = Column(Integer, nullable=False, default=0)
    rxtx_factor = Column(Float, default=1)
    vcpu_weight = Column(Integer)
    disabled = Column(Boolean, default=False)
    is_public = Column(Boolean, default=True)
    description = Column(Text)
    extra_specs = orm.relationship('FlavorExtraSpec', lazy='selectin',
                                   cascade='all, delete-orphan')
    projects = orm.relationship('FlavorProject', lazy='selectin',
                                cascade='all, delete-orphan')


class FlavorExtraSpec(BASE, _Base):
    __tablename__ = 'flavor_extra_specs'
    __table_args__ = (
        UniqueConstraint('flavor_id', 'key', name='uniq_flavor_extra_specs0flavor_id0key'),
    )
    id = Column(Integer, primary_key=True)
    key = Column(String(255), nullable=False)
    value = Column(String(255))
    flavor_id = Column(Integer, ForeignKey('flavors.id'), nullable=False)


class FlavorProject(BASE, _Base):
    __tablename__ = 'flavor_projects'
    __table_args__ = (
        UniqueConstraint('flavor_id', 'project_id', name='uniq_flavor_projects0flavor_id0project_id'),
    )
    id = Column(Integer, primary_key=True)
    flavor_id = Column(Integer, ForeignKey('flavors.id'), nullable=False)
    project_id = Column(String(255), nullable=False)


class KeyPair(BASE, _Base):
    __tablename__ = 'key_pairs'
    __table_args__ = (
        UniqueConstraint('user_id', 'name', name='uniq_key_pairs0user_id0name'),
    )
    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False)
    user_id = Column(String(255), nullable=False)
    fingerprint = Column(String(255))
    public_key = Column(Text())
    type = Column(String(10), nullable=False, default='ssh')


class Quota(BASE, _Base):
    __tablename__ = 'quotas'
    __table_args__ = (
        UniqueConstraint('project_id', 'resource', name='uniq_quotas0project_id0resource'),
    )
    id = Column(Integer, primary_key=True)
    project_id = Column(String(255))
    resource = Column(String(255), nullable=False)
    hard_limit = Column(Integer)


class ProjectUserQuota(BASE, _Base):
    __tablename__ = 'project_user_quotas'
    __table_args__ = (
        UniqueConstraint('user_id', 'project_id', 'resource',
                         name='uniq_project_user_quotas0user_id0project_id0resource'),
    )
    id = Column(Integer, primary_key=True)
    project_id = Column(String(255), nullable=False)
    user_id = Column(String(255), nullable=False)
    resource = Column(String(255), nullable=False)
    hard_limit = Column(Integer)


class QuotaClass(BASE, _Base):
    __tablename__ = 'quota_classes'
    __table_args__ = (
        UniqueConstraint('class_name', 'resource', name='uniq_quota_classes0class_name0resource'),
    )
    id = Column(Integer, primary_key=True)
    class_name = Column(String(255))
    resource = Column(String(255))
    hard_limit = Column(Integer)


class Aggregate(BASE, _Base):
    __tablename__ = 'aggregates'
    __table_args__ = (UniqueConstraint('name', name='uniq_aggregate0name'),)
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36))
    name = Column(String(255))


class AggregateHost(BASE, _Base):
    __tablename__ = 'aggregate_hosts'
    __table_args__ = (
        UniqueConstraint('host', 'aggregate_id', name='uniq_aggregate_hosts0host0aggregate_id'),
    )
    id = Column(Integer, primary_key=True)
    host = Column(String(255))
    aggregate_id = Column(Integer, ForeignKey('aggregates.id'), nullable=False)


class AggregateMetadata(BASE, _Base):
    __tablename__ = 'aggregate_metadata'
    __table_args__ = (
        UniqueConstraint('aggregate_id', 'key', name='uniq_aggregate_metadata0aggregate_id0key'),
    )
    id = Column(Integer, primary_key=True)
    aggregate_id = Column(Integer, ForeignKey('aggregates.id'), nullable=False)
    key = Column(String(255), nullable=False)
    value = Column(String(255), nullable=False)


class InstanceGroup(BASE, _Base):
    __tablename__ = 'instance_groups'
    __table_args__ = (UniqueConstraint('uuid', name='uniq_instance_groups0uuid'),)
    id = Column(Integer, primary_key=True)
    user_id = Column(String(255))
    project_id = Column(String(255))
    uuid = Column(String(36), nullable=False)
    name = Column(String(255))
    policy = Column(String(255))
    rules = Column(Text)


class InstanceGroupMember(BASE, _Base):
    __tablename__ = 'instance_group_member'
    __table_args__ = (
        Index('instance_group_member_instance_idx', 'instance_uuid'),
    )
    id = Column(Integer, primary_key=True)
    instance_uuid = Column(String(255))
    group_id = Column(Integer, ForeignKey('instance_groups.id'), nullable=False)


class ResourceProvider(BASE, _Base):
    __tablename__ = 'resource_providers'
    __table_args__ = (
        UniqueConstraint('uuid', name='uniq_resource_providers0uuid'),
        UniqueConstraint('name', name='uniq_resource_providers0name'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False)
    name = Column(String(200), nullable=False)
    generation = Column(Integer, nullable=False, default=0)
    cell_uuid = Column(String(36))
    host = Column(String(255))


class Inventory(BASE, _Base):
    __tablename__ = 'inventories'
    __table_args__ = (
        UniqueConstraint('resource_provider_id', 'resource_class',
                         name='uniq_inventories0resource_provider_resource_class'),
    )
    id = Column(Integer, primary_key=True)
    resource_provider_id = Column(Integer, ForeignKey('resource_providers.id'), nullable=False)
    resource_class = Column(String(255), nullable=False)
    total = Column(Integer, nullable=False)
    reserved = Column(Integer, nullable=False, default=0)
    min_unit = Column(Integer, nullable=False, default=1)
    max_unit = Column(Integer, nullable=False)
    step_size = Column(Integer, nullable=False, default=1)
    allocation_ratio = Column(Float, nullable=False, default=1.0)


class Allocation(BASE, _Base):
    __tablename__ = 'allocations'
    __table_args__ = (
        Index('allocations_resource_provider_class_used_idx',
              'resource_provider_id', 'resource_class', 'used'),
        Index('allocations_consumer_id_idx', 'consumer_id'),
    )
    id = Column(Integer, primary_key=True)
    resource_provider_id = Column(Integer, ForeignKey('resource_providers.id'), nullable=False)
    consumer_id = Column(String(36), nullable=False)
    resource_class = Column(String(255), nullable=False)
    used = Column(Integer, nullable=False)
