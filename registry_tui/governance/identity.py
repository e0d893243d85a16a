"""The identity of a SQLite user: the operating-system account, and its groups.

On SQLite nothing stops a user who can write the file from editing it, so these
checks are advisory; ``role:NAME`` reviewers are members of the group ``NAME``.
"""

from __future__ import annotations

import getpass
import os


def os_user() -> str:
    """The operating-system user running this process."""
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return os.environ.get("USER", "unknown")


def in_os_group(user: str, group: str) -> bool:
    """True when ``user`` belongs to the operating-system group ``group``."""
    try:
        import grp
        import pwd

        entry = grp.getgrnam(group)
    except (ImportError, KeyError):
        return False
    if user in entry.gr_mem:
        return True
    try:
        return pwd.getpwnam(user).pw_gid == entry.gr_gid
    except KeyError:
        return False
