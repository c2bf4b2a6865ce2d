"""[DEFAULT] options: identity of this host, service liveness, API listener."""
import socket

from oslo_config import cfg

GROUP = None

opts = [
    cfg.StrOpt('host', default=socket.gethostname(), sample_default='<current_hostname>',
               help='Name of this node. Computes use it as their RPC server name and '
                    'as the host of the instances they run; it must be unique in the '
                    'deployment.'),
    cfg.StrOpt('state_path', default='/var/lib/nova',
               help='Top-level directory for state kept on this host (instances, '
                    'image cache, all-in-one databases).'),
    cfg.IntOpt('report_interval', default=10, min=1,
               help='Seconds between two heartbeats of a service into its service '
                    'record.'),
    cfg.IntOpt('service_down_time', default=60, min=1,
               help='A service whose last heartbeat is older than this many seconds '
                    'is reported as down. Keep it well above report_interval.'),
    cfg.StrOpt('compute_driver', default='fake',
               help='Virt driver a compute service loads, by its name in the '
                    '"nova.virt.drivers" entry point group (fake, libvirt).'),
    cfg.StrOpt('default_availability_zone', default='nova',
               help='Availability zone of compute hosts that are in no aggregate '
                    'with an availability_zone metadata key.'),
    cfg.StrOpt('default_schedule_zone',
               help='Availability zone a server is scheduled into when its create '
                    'request names none. Unset: such a server may land in any zone.'),
    cfg.StrOpt('internal_service_availability_zone', default='internal',
               help='Availability zone reported for services other than '
                    'nova-compute.'),
    cfg.HostAddressOpt('osapi_compute_listen', default='0.0.0.0',
                       help='Address on which the compute API listens.'),
    cfg.PortOpt('osapi_compute_listen_port', default=8774,
                help='Port on which the compute API listens.'),
    cfg.IntOpt('backlog', default=4096, min=1,
               help='Listen backlog of the compute API\'s socket: connections the '
                    'kernel queues while every worker thread is busy (capped by '
                    'net.core.somaxconn).'),
    cfg.IntOpt('wsgi_default_pool_size', default=100, min=1,
               help='Worker threads of nova-api\'s HTTP server: requests served at '
                    'once; more wait in the queue.'),
    cfg.IntOpt('graceful_shutdown_timeout', default=5, min=0,
               help='Seconds a service waits for in-flight requests to finish '
                    'after SIGTERM before it exits anyway.'),
    cfg.IntOpt('instance_build_timeout', default=0, min=0,
               help='Seconds an instance may stay in BUILD in its cell before it '
                    'is put in ERROR with a fault and its claim freed; 0 turns '
                    'the check off. Each cell conductor checks the instances of '
                    'its own cell, so a build whose compute died or never heard '
                    'of it ends too. Keep it well above the longest spawn (image '
                    'download included).'),
    cfg.BoolOpt('force_config_drive', default=False,
                help='Give every new server a config drive (an ISO 9660 image '
                     'labelled config-2 with its metadata), as if its create '
                     'request asked for one with config_drive: true.'),
]


def register_opts(conf):
    conf.register_opts(opts)


def list_opts():
    return {'DEFAULT': opts}
