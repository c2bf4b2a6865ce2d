"""Base of every service manager."""


class Manager:
    """A service's RPC endpoint and owner of its periodic tasks.

    Subclasses set ``target`` (an oslo.messaging Target with their RPC API
    version) and may override the hooks below.
    """

    def init_host(self):
        """Called before the RPC server starts."""

    def cleanup_host(self):
        """Called after the RPC server stopped."""

    def service_registered(self, record):
        """Called once the service record exists (with that record)."""

    def periodic_tasks(self):
        """[(name, func(context), interval_fn)] to run beside the RPC server."""
        return []
