"""Errors of the network service. Each carries its HTTP status; the app
answers any of them with Neutron's fault body
``{"NeutronError": {"type": <class name>, "message": ..., "detail": ""}}``.
Names and messages are Neutron's, since clients match on the type."""


class NeutronException(Exception):
    message_format = 'An unknown exception occurred.'
    code = 500

    def __init__(self, message=None, **kwargs):
        self.message = str(message if message is not None else self.message_format % kwargs)
        super().__init__(self.message)

    @property
    def type(self):
        return type(self).__name__


class BadRequest(NeutronException):
    message_format = 'Bad %(resource)s request: %(msg)s.'
    code = 400


class HTTPBadRequest(NeutronException):
    """An attribute that does not validate (Neutron answers these from its
    API layer as webob's HTTPBadRequest)."""
    code = 400


class InvalidInput(BadRequest):
    message_format = 'Invalid input for operation: %(error_message)s.'


class InvalidIpForSubnet(BadRequest):
    message_format = 'IP address %(ip_address)s is not a valid IP for the specified subnet.'


class InvalidIpForNetwork(BadRequest):
    message_format = 'IP address %(ip_address)s is not a valid IP for any of the subnets on ' \
                     'the specified network.'


class InvalidAllocationPool(BadRequest):
    message_format = 'The allocation pool %(pool)s is not valid.'


class OverlappingAllocationPools(InvalidInput):
    message_format = 'Found overlapping allocation pools: %(pool_1)s %(pool_2)s for subnet ' \
                     '%(subnet_cidr)s.'


class GatewayConflictWithAllocationPools(InvalidInput):
    message_format = 'Gateway ip %(ip_address)s conflicts with allocation pool %(pool)s.'


class HTTPUnauthorized(NeutronException):
    """No valid credentials (Neutron leaves these to keystonemiddleware;
    here nova-api's authentication answers them in Neutron's format)."""
    message_format = 'Authentication required'
    code = 401


class NotAuthorized(NeutronException):
    message_format = 'Not authorized.'
    code = 403


class PolicyNotAuthorized(NotAuthorized):
    message_format = '(rule:%(action)s) is disallowed by policy'


class NotFound(NeutronException):
    message_format = 'The resource could not be found.'
    code = 404


class HTTPNotFound(NotFound):
    pass


class NetworkNotFound(NotFound):
    message_format = 'Network %(net_id)s could not be found.'


class SubnetNotFound(NotFound):
    message_format = 'Subnet %(subnet_id)s could not be found.'


class PortNotFound(NotFound):
    message_format = 'Port %(port_id)s could not be found.'


class SecurityGroupNotFound(NotFound):
    message_format = 'Security group %(id)s does not exist'


class SecurityGroupRuleNotFound(NotFound):
    message_format = 'Security group rule %(id)s does not exist'


class HTTPMethodNotAllowed(NeutronException):
    message_format = 'The method %(method)s is not allowed for this resource.'
    code = 405

    def __init__(self, allowed, **kwargs):
        self.allowed = allowed
        super().__init__(**kwargs)


class HTTPRequestEntityTooLarge(NeutronException):
    message_format = 'Request is too large.'
    code = 413


class Conflict(NeutronException):
    code = 409


class NetworkInUse(Conflict):
    message_format = 'Unable to complete operation on network %(net_id)s. There are one or ' \
                     'more ports still in use on the network.'


class SubnetInUse(Conflict):
    message_format = 'Unable to complete operation on subnet %(subnet_id)s: One or more ports ' \
                     'have an IP allocation from this subnet.'


class InvalidSharedSetting(Conflict):
    message_format = 'Unable to reconfigure sharing settings for network %(network)s. ' \
                     'Multiple tenants are using it.'


class IpAddressAlreadyAllocated(Conflict):
    message_format = 'IP address %(ip)s already allocated in subnet %(subnet_id)s'


class IpAddressGenerationFailure(Conflict):
    message_format = 'No more IP addresses available on network %(net_id)s.'


class MacAddressInUse(Conflict):
    message_format = 'Unable to complete operation for network %(net_id)s. The mac address ' \
                     '%(mac)s is in use.'


class MacAddressGenerationFailure(Conflict):
    message_format = 'Unable to generate unique mac on network %(net_id)s.'


class OverQuota(Conflict):
    message_format = 'Quota exceeded for resources: %(overs)s.'


class InUse(Conflict):
    message_format = 'The resource is in use.'


class VlanIdInUse(InUse):
    message_format = 'Unable to create the network. The VLAN %(vlan_id)s on physical ' \
                     'network %(physical_network)s is in use.'


class FlatNetworkInUse(InUse):
    message_format = 'Unable to create the flat network. Physical network ' \
                     '%(physical_network)s is in use.'


class TunnelIdInUse(InUse):
    message_format = 'Unable to create the network. The tunnel ID %(tunnel_id)s is in use.'


class SecurityGroupInUse(Conflict):
    message_format = 'Security Group %(id)s %(reason)s.'


class SecurityGroupRuleExists(Conflict):
    message_format = 'Security group rule already exists. Rule id is %(rule_id)s.'


class SecurityGroupCannotRemoveDefault(Conflict):
    message_format = 'Insufficient rights for removing default security group.'


class ConcurrentChange(Conflict):
    message_format = 'Another request changed the same resource at the same time. Please retry.'


class SecurityGroupInvalidPortRange(BadRequest):
    message_format = 'For TCP/UDP protocols, port_range_min must be <= port_range_max'


class SecurityGroupInvalidPortValue(BadRequest):
    message_format = 'Invalid value for port %(port)s'


class SecurityGroupInvalidIcmpValue(BadRequest):
    message_format = 'Invalid value for ICMP %(field)s (%(attr)s) %(value)s. It must be 0 to 255.'


class SecurityGroupMissingIcmpType(BadRequest):
    message_format = 'ICMP code (port-range-max) %(value)s is provided but ICMP type ' \
                     '(port-range-min) is missing.'


class SecurityGroupProtocolRequiredWithPorts(BadRequest):
    message_format = 'Must also specify protocol if port range is given.'


class SecurityGroupRuleInvalidProtocol(BadRequest):
    message_format = 'Security group rule protocol %(protocol)s not supported. Only protocol ' \
                     'values %(values)s and integer representations [0 to 255] are supported.'


class SecurityGroupRemoteGroupAndRemoteIpPrefix(BadRequest):
    message_format = 'Only remote_ip_prefix or remote_group_id may be provided.'


class SecurityGroupRuleParameterConflict(BadRequest):
    message_format = 'Conflicting value ethertype %(ethertype)s for CIDR %(cidr)s'


class SecurityGroupDefaultAlreadyExists(Conflict):
    message_format = 'Default security group already exists.'


class SecurityGroupCannotUpdateDefault(Conflict):
    message_format = 'Updating default security group not allowed.'


class ServiceUnavailable(NeutronException):
    message_format = 'The service is unavailable.'
    code = 503


class ResourceExhausted(ServiceUnavailable):
    pass


class NoNetworkAvailable(ResourceExhausted):
    message_format = 'Unable to create the network. No tenant network is available for ' \
                     'allocation.'
