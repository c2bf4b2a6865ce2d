"""Tables of the network service, in the API database (declared on the API
database's metadata, created by migrations/api). Ids are UUID strings, as
Neutron's; lists that are only ever read whole (allocation pools, DNS name
servers, host routes) are JSON text."""
from oslo_db.sqlalchemy import models
from sqlalchemy import (Boolean, Column, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)

from nova_common.db.models.api import BASE

# Width of every project_id column (Keystone's ids are 64 at most).
PROJECT_ID_LENGTH = 255

class _Base(models.TimestampMixin, models.ModelBase):
    pass


class Network(BASE, _Base):
    __tablename__ = 'networks'
    __table_args__ = (Index('networks_project_id_idx', 'project_id'),)
    id = Column(String(36), primary_key=True)
    project_id = Column(String(PROJECT_ID_LENGTH), nullable=False)
    name = Column(String(255), nullable=False, default='')
    description = Column(String(255), nullable=False, default='')
    status = Column(String(16), nullable=False, default='ACTIVE')
    admin_state_up = Column(Boolean, nullable=False, default=True)
    shared = Column(Boolean, nullable=False, default=False)
    mtu = Column(Integer, nullable=False)
    revision_number = Column(Integer, nullable=False, default=1)


class NetworkSegment(BASE, _Base):
    """The one segment of a network (Neutron's networksegments): what
    separates its traffic between hosts. The unique key is what keeps two
    networks off one segment, whatever requests race; so that it holds,
    "none" is stored as '' (physical_network of a VXLAN segment) and 0
    (segmentation_id of a flat one) instead of NULL, which a unique key
    never compares."""
    __tablename__ = 'networksegments'
    __table_args__ = (
        UniqueConstraint('network_type', 'physical_network', 'segmentation_id',
                         name='uniq_networksegments0segment'),
    )
    network_id = Column(String(36), ForeignKey('networks.id'), primary_key=True)
    network_type = Column(String(32), nullable=False)
    physical_network = Column(String(64), nullable=False, default='')
    segmentation_id = Column(Integer, nullable=False, default=0)


class Subnet(BASE, _Base):
    __tablename__ = 'subnets'
    __table_args__ = (Index('subnets_network_id_idx', 'network_id'),
                      Index('subnets_project_id_idx', 'project_id'))
    id = Column(String(36), primary_key=True)
    project_id = Column(String(PROJECT_ID_LENGTH), nullable=False)
    network_id = Column(String(36), ForeignKey('networks.id'), nullable=False)
    name = Column(String(255), nullable=False, default='')
    description = Column(String(255), nullable=False, default='')
    ip_version = Column(Integer, nullable=False)
    cidr = Column(String(64), nullable=False)
    gateway_ip = Column(String(64), nullable=True)
    enable_dhcp = Column(Boolean, nullable=False, default=True)
    allocation_pools = Column(Text, nullable=False)
    dns_nameservers = Column(Text, nullable=False)
    host_routes = Column(Text, nullable=False)
    ipv6_ra_mode = Column(String(16), nullable=True)
    ipv6_address_mode = Column(String(16), nullable=True)
    revision_number = Column(Integer, nullable=False, default=1)


class Port(BASE, _Base):
    __tablename__ = 'ports'
    __table_args__ = (
        UniqueConstraint('network_id', 'mac_address', name='uniq_ports0network_id0mac_address'),
        Index('ports_project_id_idx', 'project_id'),
        Index('ports_device_id_idx', 'device_id'),
    )
    id = Column(String(36), primary_key=True)
    project_id = Column(String(PROJECT_ID_LENGTH), nullable=False)
    network_id = Column(String(36), ForeignKey('networks.id'), nullable=False)
    name = Column(String(255), nullable=False, default='')
    description = Column(String(255), nullable=False, default='')
    mac_address = Column(String(32), nullable=False)
    device_id = Column(String(255), nullable=False, default='')
    device_owner = Column(String(255), nullable=False, default='')
    admin_state_up = Column(Boolean, nullable=False, default=True)
    status = Column(String(16), nullable=False, default='DOWN')
    binding_host_id = Column(String(255), nullable=False, default='')
    # JSON: Neutron's binding:profile; Nova's side keeps a port's device
    # tag in it ({"tag": ...}), so that the tag survives with either backend.
    binding_profile = Column(Text, nullable=True)
    port_security_enabled = Column(Boolean, nullable=False, default=True)
    revision_number = Column(Integer, nullable=False, default=1)


class IPAllocation(BASE, _Base):
    """One fixed IP of a port. The unique key is what guarantees that no
    address is handed out twice, whatever requests race."""
    __tablename__ = 'ip_allocations'
    __table_args__ = (
        UniqueConstraint('subnet_id', 'ip_address',
                         name='uniq_ip_allocations0subnet_id0ip_address'),
        Index('ip_allocations_port_id_idx', 'port_id'),
    )
    id = Column(Integer, primary_key=True)
    port_id = Column(String(36), ForeignKey('ports.id'), nullable=False)
    subnet_id = Column(String(36), ForeignKey('subnets.id'), nullable=False)
    network_id = Column(String(36), nullable=False)
    ip_address = Column(String(64), nullable=False)


class SecurityGroup(BASE, _Base):
    __tablename__ = 'security_groups'
    __table_args__ = (Index('security_groups_project_id_idx', 'project_id'),)
    id = Column(String(36), primary_key=True)
    project_id = Column(String(PROJECT_ID_LENGTH), nullable=False)
    name = Column(String(255), nullable=False, default='')
    description = Column(String(255), nullable=False, default='')
    stateful = Column(Boolean, nullable=False, default=True)
    revision_number = Column(Integer, nullable=False, default=1)


class DefaultSecurityGroup(BASE, _Base):
    """A project's ``default`` group: the primary key makes its creation on
    first use happen once, whatever requests race."""
    __tablename__ = 'default_security_groups'
    project_id = Column(String(PROJECT_ID_LENGTH), primary_key=True)
    security_group_id = Column(String(36), ForeignKey('security_groups.id'), nullable=False)


class SecurityGroupRule(BASE, _Base):
    __tablename__ = 'security_group_rules'
    __table_args__ = (
        Index('security_group_rules_security_group_id_idx', 'security_group_id'),
        Index('security_group_rules_project_id_idx', 'project_id'),
    )
    id = Column(String(36), primary_key=True)
    project_id = Column(String(PROJECT_ID_LENGTH), nullable=False)
    security_group_id = Column(String(36), ForeignKey('security_groups.id'), nullable=False)
    remote_group_id = Column(String(36), ForeignKey('security_groups.id'), nullable=True)
    direction = Column(String(16), nullable=False)
    ethertype = Column(String(8), nullable=False)
    protocol = Column(String(40), nullable=True)
    port_range_min = Column(Integer, nullable=True)
    port_range_max = Column(Integer, nullable=True)
    remote_ip_prefix = Column(String(64), nullable=True)
    description = Column(String(255), nullable=False, default='')
    revision_number = Column(Integer, nullable=False, default=1)


class PortSecurityGroupBinding(BASE, _Base):
    __tablename__ = 'port_security_group_bindings'
    __table_args__ = (
        Index('port_security_group_bindings_security_group_id_idx', 'security_group_id'),
    )
    port_id = Column(String(36), ForeignKey('ports.id'), primary_key=True)
    security_group_id = Column(String(36), ForeignKey('security_groups.id'), primary_key=True)


class AutoAllocatedTopology(BASE, _Base):
    """The network made for a project by get-me-a-network (networks:
    auto); the primary key makes it one per project, whatever requests
    race (Neutron's table of the same name)."""
    __tablename__ = 'auto_allocated_topologies'
    project_id = Column(String(PROJECT_ID_LENGTH), primary_key=True)
    network_id = Column(String(36), ForeignKey('networks.id'), nullable=False)


class NetworkQuota(BASE, _Base):
    """A project's limit of one network resource (network, subnet, port,
    security_group, security_group_rule); [network] quota_* otherwise."""
    __tablename__ = 'network_quotas'
    __table_args__ = (
        UniqueConstraint('project_id', 'resource',
                         name='uniq_network_quotas0project_id0resource'),
    )
    id = Column(Integer, primary_key=True)
    project_id = Column(String(PROJECT_ID_LENGTH), nullable=False)
    resource = Column(String(64), nullable=False)
    limit = Column('hard_limit', Integer, nullable=False)
