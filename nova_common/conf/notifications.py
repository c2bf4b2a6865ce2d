"""[notifications] options: which notifications services emit.

Where they go is oslo.messaging's business: [oslo_messaging_notifications]
driver (unset or ``noop``, its default, sends nothing at all) and
transport_url.
"""
from oslo_config import cfg

GROUP = 'notifications'

opts = [
    cfg.StrOpt('notification_format', default='versioned',
               choices=[('both', 'The legacy unversioned and the versioned notifications '
                                 'are emitted (this project emits only the versioned ones)'),
                        ('versioned', 'Only the versioned notifications are emitted'),
                        ('unversioned', 'Only the legacy unversioned notifications are '
                                        'emitted; this project has none, so nothing is '
                                        'sent')],
               help='Which notification format services emit, as in Nova. Versioned '
                    'notifications (instance.power_off.start, ...) go to the '
                    '"versioned_notifications" topic.'),
    cfg.ListOpt('versioned_notifications_topics', default=['versioned_notifications'],
                help='The topics versioned notifications are sent to, as in Nova '
                     '(a consumer listens on one of them).'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
