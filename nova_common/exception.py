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


class ServiceNotFound(NotFound):
    msg_fmt = 'Service %(service_id)s could not be found.'


class HostNotFound(NotFound):
    msg_fmt = 'Host %(host)s could not be found.'


class ComputeHostNotFound(HostNotFound):
    msg_fmt = 'Compute host %(host)s could not be found.'


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
