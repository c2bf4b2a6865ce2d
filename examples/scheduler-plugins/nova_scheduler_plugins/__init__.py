"""Example scheduler filters for nova-lite, installed as a package of their
own and registered under the ``nova.scheduler.filters`` entry points."""
