"""Neutron's building-block rules, and its ``field:`` check.

A target is the resource as the API shows it; a port's or subnet's target
also carries its network's ``network:project_id`` and ``network:shared``.
``context_is_admin`` is the compute API's rule of the same name and meaning.
"""
import re

from oslo_policy import policy

ADMIN = 'rule:admin_only'
PROJECT_MEMBER = 'role:member and project_id:%(project_id)s'
PROJECT_READER = 'role:reader and project_id:%(project_id)s'
NET_OWNER_MEMBER = 'role:member and project_id:%(network:project_id)s'
NET_OWNER_READER = 'role:reader and project_id:%(network:project_id)s'
ADVSVC = 'rule:context_is_advsvc'


def any_of(*checks):
    return ' or '.join('(%s)' % check for check in checks)


ADMIN_OR_PROJECT_MEMBER = any_of(ADMIN, PROJECT_MEMBER)
ADMIN_OR_PROJECT_READER = any_of(ADMIN, PROJECT_READER)
ADMIN_OR_NET_OWNER_MEMBER = any_of(ADMIN, NET_OWNER_MEMBER)


@policy.register('field')
class FieldCheck(policy.Check):
    """``field:<collection>:<attribute>=<value>`` (or ``=~<regex>``): the
    target's attribute has that value. For a network attribute checked on
    a port or subnet, the target's ``network:<attribute>`` is used."""

    def __init__(self, kind, match):
        super().__init__(kind, match)
        collection, _sep, rest = match.partition(':')
        self.attribute, _sep, value = rest.partition('=')
        self.parent_key = ('network:' + self.attribute) if collection == 'networks' else None
        self.regex = re.compile(value[1:]) if value.startswith('~') else None
        self.value = value

    def __call__(self, target, creds, enforcer, current_rule=None):
        if self.parent_key and self.parent_key in target:
            actual = target[self.parent_key]
        elif self.attribute in target:
            actual = target[self.attribute]
        else:
            return False
        if self.regex is not None:
            return isinstance(actual, str) and bool(self.regex.match(actual))
        return str(actual) == self.value


rules = [
    policy.RuleDefault('admin_only', 'rule:context_is_admin',
                       description='Rule for admin-only access'),
    policy.RuleDefault('owner', 'project_id:%(project_id)s',
                       description='Rule for resource owner access'),
    policy.RuleDefault('admin_or_owner', 'rule:context_is_admin or rule:owner',
                       description='Rule for admin or owner access'),
    policy.RuleDefault('network_owner', 'project_id:%(network:project_id)s',
                       description='Rule for network owner access'),
    policy.RuleDefault('admin_or_network_owner',
                       'rule:context_is_admin or project_id:%(network:project_id)s',
                       description='Rule for admin or network owner access'),
    policy.RuleDefault('context_is_advsvc', 'role:advsvc',
                       description='Rule for advsvc role access'),
    policy.RuleDefault('regular_user', '', description='Rule for regular user access'),
    policy.RuleDefault('shared', 'field:networks:shared=True',
                       description='Rule of shared network'),
    policy.RuleDefault('external', 'field:networks:router:external=True',
                       description='Rule of external network'),
]


def rule(name, check_str, description, operations):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=[{'method': method, 'path': path} for method, path in operations],
        scope_types=['project'])


def list_rules():
    return rules
