"""nova-manage flavor: flavors a deployment of separate daemons starts
with (the all-in-one creates them itself)."""
from nova_common.cmd import manage_base
from nova_common.cmd import manage_db
from nova_common import context as nova_context
from nova_common import default_flavors


class FlavorCommands:
    """Flavors in the API database."""

    def create_defaults(self):
        """Create the default flavors m1.tiny to m1.xlarge; those that exist
        (by name or flavor id) are left as they are."""
        with manage_base.database(manage_db.api_connection(), 'API database'):
            created = default_flavors.create_missing(nova_context.get_admin_context())
        for name in created:
            print('Created flavor %s' % name)
        if not created:
            print('The default flavors exist already.')
