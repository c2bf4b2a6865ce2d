"""Power operations on one libvirt domain, and its power state in Nova's
numbers.

Each operation is idempotent where it can be (stopping a stopped domain,
resuming a running one do nothing) and waits until libvirt reports the state
it asked for, so that the caller persists a state the guest really is in.
"""
import time

import libvirt

from nova_common import compute_states as states
from nova_common import exception
from nova_compute.virt.libvirt import taps

POLL_INTERVAL = 0.05
# How long a state change libvirt itself carries out (start, pause, stop)
# may take to show.
STATE_CHANGE_TIMEOUT = 30

# As Nova maps them: a domain shutting down is still running, but Nova
# reports it as shut down already; BLOCKED is a running vCPU that is idle.
_POWER_STATES = {
    libvirt.VIR_DOMAIN_NOSTATE: states.NOSTATE,
    libvirt.VIR_DOMAIN_RUNNING: states.RUNNING,
    libvirt.VIR_DOMAIN_BLOCKED: states.RUNNING,
    libvirt.VIR_DOMAIN_PAUSED: states.POWER_PAUSED,
    libvirt.VIR_DOMAIN_SHUTDOWN: states.SHUTDOWN,
    libvirt.VIR_DOMAIN_SHUTOFF: states.SHUTDOWN,
    libvirt.VIR_DOMAIN_CRASHED: states.CRASHED,
    libvirt.VIR_DOMAIN_PMSUSPENDED: states.POWER_SUSPENDED,
}


def power_state_of(libvirt_state, has_managed_save=False):
    """The compute_states power state of a libvirt domain state; a shut-off
    domain with a managed save image is suspended, not shut down."""
    if libvirt_state == libvirt.VIR_DOMAIN_SHUTOFF and has_managed_save:
        return states.POWER_SUSPENDED
    return _POWER_STATES.get(libvirt_state, states.NOSTATE)


def libvirt_state(domain):
    return domain.state()[0]


def power_state(domain):
    state = libvirt_state(domain)
    saved = state == libvirt.VIR_DOMAIN_SHUTOFF and bool(domain.hasManagedSaveImage(0))
    return power_state_of(state, saved)


def wait_for(domain, wanted, timeout):
    """Poll until the domain's libvirt state is one of ``wanted``; True if it
    got there within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if libvirt_state(domain) in wanted:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_INTERVAL)


def _require(domain, wanted, action):
    if not wait_for(domain, wanted, STATE_CHANGE_TIMEOUT):
        raise exception.NovaException('%s of domain %s did not finish: it is in state %s'
                                      % (action, domain.name(), libvirt_state(domain)))


def start(domain):
    """Boot a shut-off domain (restoring its managed save image when it has
    one) and wait until it runs; a paused domain is resumed. The taps
    libvirtd made for it go where the host side of networking is
    (taps.adopt)."""
    state = libvirt_state(domain)
    if state == libvirt.VIR_DOMAIN_PAUSED:
        domain.resume()
    elif state in (libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_CRASHED):
        domain.createWithFlags(0)
    _require(domain, (libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_BLOCKED), 'start')
    taps.adopt(domain)


def hard_stop(domain):
    """Pull the plug: the domain is shut off when this returns."""
    try:
        domain.destroy()
    except libvirt.libvirtError as error:
        # Already stopped, or stopped between our check and the call.
        if error.get_error_code() != libvirt.VIR_ERR_OPERATION_INVALID:
            raise
    _require(domain, (libvirt.VIR_DOMAIN_SHUTOFF,), 'stop')


def clean_shutdown(domain, timeout):
    """Ask the guest to power off (ACPI power button) and wait up to
    ``timeout`` seconds; True when it is shut off. A guest that is not
    running cannot answer, so it is not asked."""
    state = libvirt_state(domain)
    if state == libvirt.VIR_DOMAIN_SHUTOFF:
        return True
    if state not in (libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_BLOCKED):
        return False
    try:
        domain.shutdown()
    except libvirt.libvirtError as error:
        if error.get_error_code() != libvirt.VIR_ERR_OPERATION_INVALID:
            raise
    return wait_for(domain, (libvirt.VIR_DOMAIN_SHUTOFF,), timeout)


def power_off(domain, timeout=0):
    """Shut the domain off: cleanly within ``timeout`` seconds when
    ``timeout`` > 0, else (or then) by force. Returns True when the guest
    shut down cleanly."""
    if timeout > 0 and clean_shutdown(domain, timeout):
        return True
    if libvirt_state(domain) != libvirt.VIR_DOMAIN_SHUTOFF:
        hard_stop(domain)
    return False


def pause(domain):
    if libvirt_state(domain) != libvirt.VIR_DOMAIN_PAUSED:
        domain.suspend()
    _require(domain, (libvirt.VIR_DOMAIN_PAUSED,), 'pause')


def unpause(domain):
    if libvirt_state(domain) == libvirt.VIR_DOMAIN_PAUSED:
        domain.resume()
    _require(domain, (libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_BLOCKED), 'unpause')


def managed_save(domain):
    """Save the guest's memory to libvirt's managed save image and stop it;
    the next start restores it running (even when it was paused)."""
    if libvirt_state(domain) == libvirt.VIR_DOMAIN_SHUTOFF and domain.hasManagedSaveImage(0):
        return
    domain.managedSave(libvirt.VIR_DOMAIN_SAVE_RUNNING)
    _require(domain, (libvirt.VIR_DOMAIN_SHUTOFF,), 'suspend')


def discard_managed_save(domain):
    if domain.hasManagedSaveImage(0):
        domain.managedSaveRemove(0)


def undefine(domain):
    """Remove the domain's definition, with its managed save image and
    NVRAM; drivers that know no NVRAM get the flags they support."""
    for flags in (libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | libvirt.VIR_DOMAIN_UNDEFINE_NVRAM,
                  libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE):
        try:
            domain.undefineFlags(flags)
            return
        except libvirt.libvirtError as error:
            if error.get_error_code() not in (libvirt.VIR_ERR_INVALID_ARG,
                                              libvirt.VIR_ERR_NO_SUPPORT):
                raise
    discard_managed_save(domain)
    domain.undefine()
