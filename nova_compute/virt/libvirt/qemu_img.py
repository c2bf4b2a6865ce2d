"""The few ``qemu-img`` commands the image backend runs.

Every command names the format of each file it opens (``-f``, ``-F``), so
that qemu never guesses a format from the content: a raw image whose first
bytes look like a qcow2 header stays raw data.
"""
import json
import subprocess

from nova_common import exception


def run(*args):
    """Run ``qemu-img`` with ``args``; its stdout, or NovaException with its
    stderr."""
    command = ['qemu-img'] + [str(arg) for arg in args]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        raise exception.NovaException('cannot run qemu-img: %s' % error)
    if result.returncode != 0:
        raise exception.NovaException('%s failed (exit %d): %s' % (
            ' '.join(command), result.returncode, result.stderr.strip()))
    return result.stdout


def info(path, fmt):
    """``qemu-img info`` of ``path`` read as ``fmt`` (a dict). ``-U`` lets it
    read an image a running guest holds open."""
    return json.loads(run('info', '-U', '--output=json', '-f', fmt, path))


def create_overlay(path, backing_file, backing_format, size_bytes=None):
    """A qcow2 image at ``path`` whose reads fall through to
    ``backing_file``; its virtual size is ``size_bytes``, else the backing
    file's size."""
    args = ['create', '-q', '-f', 'qcow2', '-F', backing_format, '-b', backing_file, path]
    if size_bytes is not None:
        args.append(size_bytes)
    run(*args)


def convert_to_raw(source, source_format, destination):
    run('convert', '-q', '-f', source_format, '-O', 'raw', source, destination)


def resize(path, fmt, size_bytes):
    """Grow the image at ``path`` to ``size_bytes`` (virtual size)."""
    run('resize', '-q', '-f', fmt, path, size_bytes)


def rebase_unsafe(path, backing_file, backing_format):
    """Point the qcow2 image at ``path`` to ``backing_file`` without
    copying anything: the new backing file holds the same data (an image's
    base in another host's cache)."""
    run('rebase', '-q', '-u', '-f', 'qcow2', '-F', backing_format, '-b', backing_file, path)
