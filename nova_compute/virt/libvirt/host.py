"""The connection to libvirt: opened on init_host with lifecycle events
registered, reopened (events too) when libvirtd went away and came back,
and the look-ups of the domains this service owns."""
import os
import threading
import xml.etree.ElementTree as ET

import libvirt
from oslo_log import log as logging

from nova_common import exception
from nova_compute.virt.libvirt import config
from nova_compute.virt.libvirt import events

LOG = logging.getLogger(__name__)


def _ignore_libvirt_error(_context, _error):
    """libvirt prints every error on stderr unless a handler is set; ours
    arrive as libvirtError exceptions anyway."""


class Host:
    def __init__(self, uri, dispatcher, hostname, instances_path):
        self.uri = uri
        self.instances_path = instances_path
        self.dispatcher = dispatcher
        self.hostname = hostname
        self._lock = threading.Lock()
        self._conn = None
        self._callback_id = None

    def init(self):
        """Open the connection; raises HypervisorUnavailable."""
        events.start_event_loop()
        libvirt.registerErrorHandler(_ignore_libvirt_error, None)
        self.dispatcher.start()
        self.connection()

    def connection(self):
        """The open connection, reopened first when it was lost."""
        with self._lock:
            if self._conn is not None:
                try:
                    if self._conn.isAlive():
                        return self._conn
                except libvirt.libvirtError:
                    pass
                LOG.warning('The connection to %s was lost; reconnecting', self.uri)
                self._conn = None
            self._conn = self._open()
            return self._conn

    def _open(self):
        try:
            conn = libvirt.open(self.uri)
        except libvirt.libvirtError as error:
            raise exception.HypervisorUnavailable(host=self.hostname, reason=str(error))
        self._callback_id = conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, self.dispatcher.on_lifecycle_event,
            None)
        LOG.info('Connected to %s (%s %s)', self.uri, conn.getType(), conn.getVersion())
        return conn

    def close(self):
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.domainEventDeregisterAny(self._callback_id)
                conn.close()
            except libvirt.libvirtError as error:
                LOG.warning('Closing the connection to %s failed: %s', self.uri, error)
        self.dispatcher.stop()

    def lookup(self, instance_uuid):
        """The domain of the instance, or None when there is none."""
        try:
            return self.connection().lookupByUUIDString(instance_uuid)
        except libvirt.libvirtError as error:
            if error.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                return None
            raise

    def nova_domains(self, flags=0):
        """The domains of this compute service: defined by us (they carry
        our metadata element) with their files under our instances path.
        Other guests of the host, or of another compute service sharing
        this libvirtd with its own instances path, are none of our
        business."""
        domains = []
        for domain in self.connection().listAllDomains(flags):
            try:
                if is_ours(domain.XMLDesc(0), self.instances_path):
                    domains.append(domain)
            except libvirt.libvirtError as error:
                if error.get_error_code() != libvirt.VIR_ERR_NO_DOMAIN:
                    raise
        return domains


def is_ours(domain_xml, instances_path):
    """Whether the domain of ``domain_xml`` has our metadata and keeps its
    console log under ``instances_path``."""
    domain = ET.fromstring(domain_xml)
    if domain.find('metadata/{%s}instance' % config.NOVA_NS) is None:
        return False
    log = domain.find('devices/serial/log')
    prefix = os.path.join(instances_path, '')
    return log is not None and (log.get('file') or '').startswith(prefix)
