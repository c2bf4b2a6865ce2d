"""The metadata a server reads about itself: the OpenStack and EC2 trees
(content.py), served to guests by nova-metadata-api (app.py) through the
host-side proxies, and written onto config drives by the computes."""

# The request spec key under which the super-conductor sends a compute the
# source of a server's config drive (source.with_config_drive).
CONFIG_DRIVE_SPEC_KEY = 'config_drive_metadata'
