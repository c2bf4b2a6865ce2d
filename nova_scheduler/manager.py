"""The scheduler service."""
import oslo_messaging as messaging

from nova_common import manager


class SchedulerManager(manager.Manager):
    target = messaging.Target(version='1.0')
