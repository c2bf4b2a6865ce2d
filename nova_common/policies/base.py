"""The building-block rules every API policy refers to, as in Nova."""
from oslo_policy import policy

ADMIN = 'rule:context_is_admin'
PROJECT_MEMBER = 'rule:project_member_api'
PROJECT_READER = 'rule:project_reader_api'
PROJECT_MEMBER_OR_ADMIN = 'rule:project_member_or_admin'
PROJECT_READER_OR_ADMIN = 'rule:project_reader_or_admin'

rules = [
    policy.RuleDefault('context_is_admin', 'role:admin',
                       'Decides what is required for the is_admin:True check to succeed.'),
    policy.RuleDefault('admin_api', 'role:admin', 'Default rule for administrator APIs.'),
    policy.RuleDefault('project_member_api', 'role:member and project_id:%(project_id)s',
                       'Default rule for project-level non-admin APIs.'),
    policy.RuleDefault('project_reader_api', 'role:reader and project_id:%(project_id)s',
                       'Default rule for project-level read-only APIs.'),
    policy.RuleDefault('project_member_or_admin', 'rule:project_member_api or rule:context_is_admin',
                       'Default rule for project member or administrator APIs.'),
    policy.RuleDefault('project_reader_or_admin', 'rule:project_reader_api or rule:context_is_admin',
                       'Default rule for project reader or administrator APIs.'),
]


def rule(name, check_str, description, operations, scope_types=('project',)):
    """A DocumentedRuleDefault from (method, path) pairs."""
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=[{'method': method, 'path': path} for method, path in operations],
        scope_types=list(scope_types))


def list_rules():
    return rules
