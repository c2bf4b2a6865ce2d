"""The password a guest posts to .../password (encrypted with its key
pair), kept where os-server-password reads it: the server's system
metadata, in four 255-character chunks. A guest may post it once;
os-server-password's DELETE clears it for the next one."""
from nova_common import context as nova_context
from nova_common.db.api import instances as instances_db
from nova_common.db import engines
from nova_metadata import source

CHUNK_LENGTH = 255
MAX_SIZE = source.PASSWORD_CHUNKS * CHUNK_LENGTH


class AlreadySet(Exception):
    """A password is stored already (409)."""


def chunks(password):
    return {'password_%d' % index: password[index * CHUNK_LENGTH:(index + 1) * CHUNK_LENGTH]
            for index in range(source.PASSWORD_CHUNKS)}


def store_once(context, cell, instance_uuid, password):
    """Store ``password`` unless one is stored; AlreadySet otherwise. The
    check and the write are one transaction of the server's cell."""
    with nova_context.target_cell(context, cell) as cell_context:
        with engines.cell_writer(cell_context):
            instance = instances_db.get(cell_context, instance_uuid)
            if source.stored_password(instance):
                raise AlreadySet()
            instances_db.set_system_metadata_items(cell_context, instance_uuid,
                                                   chunks(password))
