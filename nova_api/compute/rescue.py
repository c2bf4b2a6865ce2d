"""Rescue and unrescue from the API.

A rescue boots the server from a rescue image (``rescue_image_ref``, by
default the server's own image, as Nova) with its own disk attached
second; it may start from ACTIVE, STOPPED or ERROR with no task, as in
Nova. The image must exist and be active (400). Unrescue starts from
RESCUED. Both go through power.begin (lock, host, the guarded move to
``rescuing`` / ``unrescuing``, the instance action) and are cast to the
compute (nova_compute/rescue.py).
"""
import secrets

from nova_api.compute import create
from nova_api.compute import power
from nova_api.compute import state_checks
from nova_common import compute_states as states
from nova_common import exception
from nova_common.image import api as image_api
from nova_compute import rpcapi as compute_rpcapi

# Nova's check_instance_state for rescue.
RESCUE_VM_STATES = (states.ACTIVE, states.STOPPED, states.ERROR)


def _rescue_image(context, image_ref):
    try:
        image = image_api.ImageAPI().get(context, image_ref)
    except exception.NotFound:
        raise exception.Invalid('Image %s could not be found.' % image_ref)
    if image.get('status') != 'active':
        raise exception.Invalid('Image %s is not active.' % image_ref)
    return create.image_spec(image)


def rescue(context, instance, rescue_image_ref=None, admin_password=None):
    """Start rescuing ``instance``; returns the admin password."""
    state_checks.check_lock(context, instance)
    state_checks.require_state(instance, 'rescue', RESCUE_VM_STATES, no_task=True)
    image = _rescue_image(context, rescue_image_ref or instance.get('image_ref'))
    password = admin_password or secrets.token_urlsafe(9)
    updated, cell = power.begin(context, instance, 'rescue', RESCUE_VM_STATES,
                                states.RESCUING)
    compute_rpcapi.ComputeAPI.for_cell(cell).rescue_instance(
        context, updated['host'], updated, image, password)
    return password


def unrescue(context, instance):
    updated, cell = power.begin(context, instance, 'unrescue', [states.RESCUED],
                                states.UNRESCUING)
    compute_rpcapi.ComputeAPI.for_cell(cell).unrescue_instance(context, updated['host'],
                                                               updated)
