"""[metadata] options: the metadata service guests read at
169.254.169.254 (nova-metadata-api), the host-side proxy that forwards
their requests to it, and what both put in a server's metadata."""
from oslo_config import cfg

GROUP = 'metadata'

opts = [
    cfg.HostAddressOpt('metadata_listen', default='0.0.0.0',
                       help='Address on which nova-metadata-api listens.'),
    cfg.PortOpt('metadata_listen_port', default=8775,
                help='Port on which nova-metadata-api listens.'),
    cfg.StrOpt('metadata_proxy_shared_secret', default='', secret=True,
               help='Secret shared by nova-metadata-api and the host-side metadata '
                    'proxies: a proxy signs the instance id it forwards '
                    '(X-Instance-ID-Signature, HMAC-SHA256 of the id with this '
                    'secret) and the service answers 403 to a request whose '
                    'signature does not match. Set the same value on every API '
                    'and compute host.'),
    cfg.URIOpt('metadata_url', default='http://127.0.0.1:8775',
               help='Where the host-side metadata proxies forward the guests\' '
                    'requests: the nova-metadata-api endpoint as a compute host '
                    'reaches it.'),
    cfg.URIOpt('network_url', default='http://127.0.0.1:8774/network',
               help='The network service (Networking v2.0 API) a host-side proxy '
                    'asks which port, and so which server, has the address a '
                    'guest request comes from.'),
    cfg.StrOpt('network_token', secret=True,
               help='Token (X-Auth-Token) of an administrator of the network service '
                    'that the proxy sends with that look-up, for example "admin:admin" '
                    'for a service run with noauth2. Where nova-metadata-api\'s host has '
                    'the API database (the all-in-one), the proxy looks ports up there '
                    'instead.'),
    cfg.PortOpt('proxy_listen_port', default=80,
                help='Port the host-side proxy listens on in each network '
                     '(guests ask http://169.254.169.254/).'),
    cfg.FloatOpt('proxy_timeout', default=10.0, min=0.1,
                 help='Seconds the proxy waits for the network service and for '
                      'nova-metadata-api.'),
    cfg.StrOpt('dhcp_domain', default='',
               help='Domain appended to the server\'s hostname in its metadata '
                    '(meta_data.json hostname, EC2 hostname and local-hostname); '
                    'empty: the bare hostname.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
