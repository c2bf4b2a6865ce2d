"""[image] options: where images come from (Glance, or the local store that
nova-api serves under /image)."""
from oslo_config import cfg

GROUP = 'image'

opts = [
    cfg.StrOpt('backend', default='glance', choices=[
        ('glance', 'Images live in the Image service (Glance v2), reached '
                   'through the options of the [glance] group.'),
        ('local', 'Images live in local_store_dir on this host, and nova-api '
                  'serves them with a Glance-v2-compatible subset of the Image '
                  'API under /image (the all-in-one, small sites).'),
    ], help='Image backend used by the API (server create) and by compute hosts.'),
    cfg.StrOpt('local_store_dir', default='$state_path/images',
               help='Directory of the local image store: one JSON metadata file '
                    'and one data file per image.'),
    cfg.IntOpt('image_size_cap', default=1099511627776, min=0,
               help='Largest image, in bytes, the local store accepts; a bigger '
                    'upload gets 413.'),
    cfg.IntOpt('limit_param_default', default=25, min=1,
               help='Images per page of GET /image/v2/images when the caller '
                    'gives no "limit" (at most [api] max_limit).'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
