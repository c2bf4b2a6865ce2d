"""Client side of the compute RPC API.

Version history:

    1.0 - Initial version: the compute service, with no RPC methods yet.
"""
TOPIC = 'compute'
VERSION = '1.0'
