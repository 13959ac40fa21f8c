"""Writing files so that a killed process never leaves half of one."""

import contextlib
import os
import shutil


@contextlib.contextmanager
def atomic_write(path):
    """Yields a temporary path beside ``path`` to write, then moves it onto ``path`` in one step: a
    reader (or a run resumed after a kill) sees the old file or the whole new one, never part of it.

    The temporary name is ``.tmp-<name>`` (it keeps the extension, which Keras' saving needs), so
    a leftover from a killed writer is hidden and overwritten by the next write.
    """
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".tmp-{name}")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def remove(path):
    """Removes a file or a folder tree, if there is one."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)


def replace(source, target):
    """Moves a file or folder onto ``target``. A file replaces the old one in one step; a folder
    replaces an old folder by moving that aside first and removing it after."""
    if not os.path.isdir(source) or not os.path.lexists(target):
        os.replace(source, target)
        return
    old = os.path.join(os.path.dirname(target), f".old-{os.path.basename(target)}")
    remove(old)
    os.replace(target, old)
    os.replace(source, target)
    remove(old)
