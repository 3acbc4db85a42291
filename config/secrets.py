"""The secret key of a single-machine install, generated once and kept under var/."""

import os
import secrets
from pathlib import Path


def secret_key_file(path: Path) -> str:
    """The key in `path`, created (readable by this user only) on first use.

    For one machine only: several machines behind a load balancer must share one key, so they set
    SECRET_KEY instead (docs/deploy.md).
    """
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if len(key) >= 50:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race (or left a short file): use theirs if whole
        return secret_key_file(path) if len(path.read_text().strip()) >= 50 else _replace(path, key)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


def _replace(path: Path, key: str) -> str:
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key
