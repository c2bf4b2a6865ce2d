"""A listening TCP socket made inside a network namespace (by name, as
``ip netns`` keeps them under /var/run/netns), or bound to one device.

A socket belongs to the namespace of the thread that made it, for good:
a short-lived thread enters the namespace (setns(2) changes only the
calling thread), makes the socket and ends, so no other thread of this
process ever leaves its own namespace."""
import ctypes
import os
import socket
import threading

CLONE_NEWNET = 0x40000000
NETNS_DIR = '/var/run/netns'


def _setns(path):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            error = ctypes.get_errno()
            raise OSError(error, 'setns(%s): %s' % (path, os.strerror(error)))
    finally:
        os.close(fd)


def _listening_socket(address, port, device, backlog):
    family = socket.AF_INET6 if ':' in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if device:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, device.encode())
        sock.bind((address, port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


def listen(address, port, namespace=None, device=None, backlog=128):
    """A socket listening on ``address``:``port`` in ``namespace`` (None:
    this process's), bound to ``device`` when given."""
    if namespace is None:
        return _listening_socket(address, port, device, backlog)
    outcome = {}

    def make():
        try:
            _setns(os.path.join(NETNS_DIR, namespace))
            outcome['socket'] = _listening_socket(address, port, device, backlog)
        except OSError as error:
            outcome['error'] = error

    maker = threading.Thread(target=make, name='netns-listen')
    maker.start()
    maker.join()
    if 'error' in outcome:
        raise outcome['error']
    return outcome['socket']
