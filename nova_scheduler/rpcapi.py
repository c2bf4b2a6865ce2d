"""Client side of the scheduler RPC API.

Version history:

    1.0 - Initial version: the scheduler service, with no RPC methods yet.
"""
TOPIC = 'scheduler'
VERSION = '1.0'
