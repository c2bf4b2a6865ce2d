"""Exceptions shared by every service.

Each carries the HTTP status the API answers with (``code``); the API turns
any ``NovaException`` into Nova's fault body, so a handler raises and never
builds an error response itself.
"""


class NovaException(Exception):
    msg_fmt = 'An unknown exception occurred.'
    code = 500

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if message is None:
            message = self.msg_fmt % kwargs if kwargs else self.msg_fmt
        self.message = str(message)
        super().__init__(self.message)


class ConfigError(NovaException):
    msg_fmt = 'Configuration error: %(reason)s'


class Invalid(NovaException):
    msg_fmt = 'Bad request: %(reason)s'
    code = 400


class ValidationError(Invalid):
    msg_fmt = '%(detail)s'


class InvalidInput(Invalid):
    msg_fmt = 'Invalid input received: %(reason)s'


class Unauthorized(NovaException):
    msg_fmt = 'Authentication required.'
    code = 401


class Forbidden(NovaException):
    msg_fmt = 'Forbidden'
    code = 403


class PolicyNotAuthorized(Forbidden):
    msg_fmt = "Policy doesn't allow %(action)s to be performed."


class NotFound(NovaException):
    msg_fmt = 'Resource could not be found.'
    code = 404


class Conflict(NovaException):
    msg_fmt = 'Conflict: %(reason)s'
    code = 409


class RequestTooLarge(NovaException):
    msg_fmt = 'Request is too large.'
    code = 413


class UnsupportedMediaType(NovaException):
    msg_fmt = 'Unsupported Content-Type'
    code = 415


class ServiceUnavailable(NovaException):
    msg_fmt = 'Service unavailable: %(reason)s'
    code = 503


class FlavorNotFound(NotFound):
    msg_fmt = 'Flavor %(flavor_id)s could not be found.'


class FlavorExists(Conflict):
    msg_fmt = 'Flavor with %(what)s %(value)s already exists.'


class FlavorExtraSpecNotFound(NotFound):
    msg_fmt = 'Flavor %(flavor_id)s has no extra specs with key %(key)s.'


class FlavorAccessExists(Conflict):
    msg_fmt = 'Flavor access already exists for flavor %(flavor_id)s and project %(project_id)s combination.'


class FlavorAccessNotFound(NotFound):
    msg_fmt = 'Flavor access not found for %(flavor_id)s / %(project_id)s combination.'


class KeypairNotFound(NotFound):
    msg_fmt = 'Keypair %(name)s not found for user %(user_id)s'


class KeyPairExists(Conflict):
    msg_fmt = "Key pair '%(key_name)s' already exists."


class InvalidKeypair(Invalid):
    msg_fmt = 'Keypair data is invalid: %(reason)s'


class InstanceGroupNotFound(NotFound):
    msg_fmt = 'Instance group %(group_uuid)s could not be found.'


class ServiceNotFound(NotFound):
    msg_fmt = 'Service %(service_id)s could not be found.'


class HostNotFound(NotFound):
    msg_fmt = 'Host %(host)s could not be found.'


class ComputeHostNotFound(HostNotFound):
    msg_fmt = 'Compute host %(host)s could not be found.'


class ComputeServiceInUse(Invalid):
    """An evacuation from a host whose compute service is still up."""
    msg_fmt = 'Compute service of %(host)s is still in use.'


class AggregateNotFound(NotFound):
    msg_fmt = 'Aggregate %(aggregate_id)s could not be found.'


class AggregateNameExists(Conflict):
    msg_fmt = 'Aggregate %(aggregate_name)s already exists.'


class AggregateHostExists(Conflict):
    msg_fmt = 'Aggregate %(aggregate_id)s already has host %(host)s.'


class AggregateHostNotFound(NotFound):
    msg_fmt = 'Aggregate %(aggregate_id)s has no host %(host)s.'


class InvalidAggregateAction(Invalid):
    msg_fmt = 'Unacceptable parameters.'


class InvalidAggregateActionAdd(InvalidAggregateAction):
    msg_fmt = 'Cannot add host to aggregate %(aggregate_id)s. Reason: %(reason)s.'


class InvalidAggregateActionDelete(InvalidAggregateAction):
    msg_fmt = 'Cannot remove host from aggregate %(aggregate_id)s. Reason: %(reason)s.'


class InvalidAggregateActionUpdate(InvalidAggregateAction):
    msg_fmt = 'Cannot update aggregate %(aggregate_id)s. Reason: %(reason)s.'


class InvalidAggregateActionUpdateMeta(InvalidAggregateAction):
    msg_fmt = 'Cannot update metadata of aggregate %(aggregate_id)s. Reason: %(reason)s.'


class HypervisorNotFound(NotFound):
    msg_fmt = 'Hypervisor %(hypervisor)s could not be found.'


class CellMappingNotFound(NotFound):
    msg_fmt = 'Cell %(uuid)s has no mapping.'


class CellExists(Conflict):
    msg_fmt = 'A cell named %(name)s already exists.'


class CellNotEmpty(Conflict):
    msg_fmt = 'Cell %(uuid)s still has %(what)s; remove them first.'


class MarkerNotFound(NotFound):
    msg_fmt = 'Marker %(marker)s could not be found.'
    code = 400


class VersionNotAcceptable(NovaException):
    msg_fmt = 'Version %(version)s is not supported by the API. Minimum is %(min)s and maximum is %(max)s.'
    code = 406


class CellTimeout(NovaException):
    msg_fmt = 'Cell %(uuid)s did not answer in time.'
    code = 503


class InvalidName(Invalid):
    msg_fmt = "An invalid 'name' value was provided. The name must be: %(reason)s"


class HostBinaryNotFound(ServiceNotFound):
    msg_fmt = 'Could not find binary %(binary)s on host %(host)s.'


class HostMappingNotFound(Invalid):
    msg_fmt = "Host '%(name)s' is not mapped to any cell"


class ServiceNotUnique(Invalid):
    msg_fmt = 'More than one possible service found.'


class ComputeServiceUnavailable(Invalid):
    msg_fmt = 'Compute service of %(host)s is unavailable at this time.'


class MigrationPreCheckError(Invalid):
    """A host refused a live migration in its checks before it started."""
    msg_fmt = 'Migration pre-check error: %(reason)s'


class FeatureNotSupported(NovaException):
    msg_fmt = 'The requested functionality is not supported.'
    code = 501


class InstanceIsLocked(Conflict):
    msg_fmt = 'Instance %(instance_uuid)s is locked'


class NoValidHost(NovaException):
    """No host can take the request; ``reason`` says which filter removed
    how many hosts, in words an operator can act on."""
    msg_fmt = 'No valid host was found. %(reason)s'
    code = 400


class ResourceProviderConflict(Conflict):
    msg_fmt = 'Resource provider %(name)s cannot be recorded: %(reason)s'


class ImageNotFound(NotFound):
    msg_fmt = 'Image %(image_id)s could not be found.'


class ImageNotAuthorized(Forbidden):
    msg_fmt = 'Not authorized for image %(image_id)s.'


class ImageExists(Conflict):
    msg_fmt = 'Image with identifier %(image_id)s already exists!'


class ImageBadRequest(Invalid):
    msg_fmt = 'Request of image %(image_id)s got BadRequest response: %(response)s'


class ImageUnacceptable(Invalid):
    msg_fmt = 'Image %(image_id)s is unacceptable: %(reason)s'


class ImageChecksumMismatch(NovaException):
    msg_fmt = ('Data of image %(image_id)s does not match its %(algorithm)s '
               'checksum: expected %(expected)s, got %(actual)s.')


class ImageServiceUnavailable(ServiceUnavailable):
    msg_fmt = 'The image service could not be reached: %(reason)s'


class ResourceProviderNotFound(NotFound):
    msg_fmt = 'No resource provider with uuid %(uuid)s found.'


class OverQuota(Forbidden):
    """A request would take a project (or user) past a quota limit.

    ``overs``, ``req``, ``used`` and ``allowed`` are comma-separated strings
    (one entry per resource, in the same order); the numeric ``quotas``,
    ``usages`` and ``headroom`` ({resource: int}) ride along in ``kwargs``
    for callers that shrink a request to what still fits.
    """
    msg_fmt = ('Quota exceeded for %(overs)s: Requested %(req)s, but already used '
               '%(used)s of %(allowed)s %(overs)s')


class InstanceNotFound(NotFound):
    msg_fmt = 'Instance %(instance_id)s could not be found.'


class InstanceExists(Conflict):
    msg_fmt = 'Instance %(uuid)s already exists.'


class InstanceInvalidState(NovaException):
    """The instance is not in a state that allows ``action``; ``attr`` is
    the field (vm_state or task_state) that did not match."""
    msg_fmt = "Cannot '%(action)s' instance %(instance_uuid)s while it is in %(attr)s %(state)s"
    code = 409


class InstanceMappingNotFound(NotFound):
    msg_fmt = 'Instance %(uuid)s has no mapping to a cell.'


class RequestSpecNotFound(NotFound):
    msg_fmt = 'RequestSpec not found for instance %(instance_uuid)s'


class CellNotResponding(ServiceUnavailable):
    msg_fmt = ('Cell %(cell_uuid)s is not responding or returned an exception, hence '
               'instance info is not available.')


class MigrationNotFound(NotFound):
    msg_fmt = 'Migration %(migration_id)s could not be found.'


class MigrationNotFoundForInstance(MigrationNotFound):
    msg_fmt = 'Migration %(migration_id)s not found for instance %(instance_id)s'


class InstanceActionNotFound(NotFound):
    msg_fmt = 'Action %(request_id)s not found'


class InstanceTagNotFound(NotFound):
    msg_fmt = "Instance %(instance_id)s has no tag '%(tag)s'"


class TagLimitExceeded(Invalid):
    msg_fmt = 'The number of tags exceeded the per-server limit %(limit)d'


class MetadataItemNotFound(NotFound):
    msg_fmt = 'Metadata item was not found'


class MetadataLimitExceeded(Forbidden):
    msg_fmt = 'Maximum number of metadata items exceeds %(allowed)d'


class FlavorDiskSmallerThanImage(Invalid):
    msg_fmt = ('Flavor\'s disk is too small for requested image. Flavor disk is '
               '%(flavor_size)i bytes, image is %(image_size)i bytes.')


class HypervisorUnavailable(NovaException):
    msg_fmt = 'Connection to the hypervisor is broken on host %(host)s: %(reason)s'


class InstanceNotReady(Conflict):
    """The instance has no host yet (a build request, or never scheduled):
    an action that needs its guest cannot run."""
    msg_fmt = 'Instance %(instance_id)s is not ready'


class VolumeNotFound(NotFound):
    msg_fmt = 'Volume %(volume_id)s could not be found.'


class VolumeBDMNotFound(NotFound):
    msg_fmt = 'No volume Block Device Mapping with id %(volume_id)s.'


class AttachInterfaceNotSupported(Invalid):
    msg_fmt = 'Attaching interfaces is not supported for instance %(instance_uuid)s.'


class NetworkInterfaceTaggedAttachNotSupported(Invalid):
    msg_fmt = 'Tagged network interface attachment is not supported by this compute driver.'


class HypervisorRefused(NovaException):
    """The hypervisor refused what a compute asked of it, and the compute
    handled it: the server stays as it was and what was made for the
    request is given back. Nova answers these 500; this project never
    answers 500 for a handled failure, so they are 409s with Nova's
    message."""
    code = 409


class InterfaceAttachFailed(HypervisorRefused):
    msg_fmt = 'Failed to attach network adapter device to %(instance_uuid)s'


class InterfaceDetachFailed(HypervisorRefused):
    msg_fmt = 'Failed to detach network adapter device from %(instance_uuid)s'
