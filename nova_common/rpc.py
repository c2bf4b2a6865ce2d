"""oslo.messaging plumbing: transports, the context serializer, clients,
servers and the notifier.

There is one transport per URL, shared by every client and server in the
process: the API-level one (``[DEFAULT] transport_url``) and one per cell
(its cell mapping's ``transport_url``). The in-process ``fake://`` transport
of the all-in-one works only because clients and servers share it.
"""
import threading

import amqp.exceptions
import kombu.exceptions
from oslo_config import cfg
import oslo_messaging as messaging
from oslo_messaging.rpc import dispatcher
from oslo_serialization import jsonutils

from nova_common import context as nova_context
from nova_common import exception
from nova_common.metrics import rpc as rpc_metrics

CONF = cfg.CONF

_lock = threading.Lock()
_transports = {}
_notifier = None

# What a call or a cast raises when the message bus cannot take the
# message: oslo.messaging's own errors and, while a broker is going away,
# the socket and AMQP errors of a connection being opened, which kombu
# lets through. Whoever catches these knows the message was not sent.
BUS_UNREACHABLE = (messaging.MessagingException, ConnectionError,
                   amqp.exceptions.AMQPError, kombu.exceptions.KombuError)

DEFAULT_CALL_TIMEOUT = 60


def init(conf):
    """Register oslo.messaging's options; call before parsing the config."""
    # Building a TransportURL registers [DEFAULT] transport_url and friends:
    # oslo.messaging's public way to have them before the config is parsed.
    messaging.TransportURL(conf)
    messaging.set_transport_defaults(control_exchange='nova')


def get_transport(url=None):
    """The shared RPC transport for ``url`` (default: [DEFAULT] transport_url)."""
    key = url or CONF.transport_url or ''
    with _lock:
        transport = _transports.get(key)
        if transport is None:
            transport = messaging.get_rpc_transport(
                CONF, url=url or None, allowed_remote_exmods=[exception.__name__])
            _transports[key] = transport
        return transport


def cleanup():
    global _notifier
    with _lock:
        for transport in _transports.values():
            transport.cleanup()
        _transports.clear()
        _notifier = None


class RequestContextSerializer(messaging.Serializer):
    """Sends the request context (request id included) with every message,
    so a request's log lines carry the same id in every daemon."""

    def serialize_entity(self, ctxt, entity):
        return jsonutils.to_primitive(entity, convert_instances=True)

    def deserialize_entity(self, ctxt, entity):
        return entity

    def serialize_context(self, ctxt):
        return ctxt.to_dict()

    def deserialize_context(self, ctxt):
        return nova_context.RequestContext.from_dict(ctxt)


def get_client(topic, version, version_cap=None, transport=None, server=None,
               timeout=DEFAULT_CALL_TIMEOUT):
    target = messaging.Target(topic=topic, version=version, server=server)
    return rpc_metrics.MeteredClient(messaging.get_rpc_client(
        transport or get_transport(), target, version_cap=version_cap,
        serializer=RequestContextSerializer(), timeout=timeout), topic)


def get_server(target, endpoints, transport=None):
    return messaging.get_rpc_server(
        transport or get_transport(), target, endpoints,
        executor='threading', serializer=RequestContextSerializer(),
        access_policy=dispatcher.DefaultRPCAccessPolicy)


def get_notifier(publisher_id):
    """A versioned-notification notifier on the API-level transport."""
    global _notifier
    with _lock:
        if _notifier is None:
            transport = messaging.get_notification_transport(CONF)
            _notifier = messaging.Notifier(
                transport, serializer=RequestContextSerializer(),
                topics=CONF.notifications.versioned_notifications_topics)
    return _notifier.prepare(publisher_id=publisher_id)
