"""Typed settings helpers: every value comes from the environment or fails loudly."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def url_origin(template: str) -> str | None:
    """The origin (scheme and host) of a URL template such as a map's tile URL, for the
    Content Security Policy; a `{s}` subdomain placeholder becomes a wildcard. None when
    empty; a template that is no http(s) URL fails loudly."""
    if not template.strip():
        return None
    parts = urlsplit(template.strip().replace("{s}", "subdomain"))
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(f"not an http(s) URL template: {template!r}")
    host = parts.netloc.replace("subdomain", "*", 1) if "{s}" in template else parts.netloc
    return f"{parts.scheme}://{host}"


def secret_key(var_dir: Path) -> str:
    """IMVO_SECRET_KEY from the environment, else one generated once and kept under var/."""
    from_env = os.environ.get("IMVO_SECRET_KEY", "")
    if from_env:
        if len(from_env) < 32:
            raise ImproperlyConfigured("IMVO_SECRET_KEY must be at least 32 characters long")
        return from_env
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race; use its key
        return key_file.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key
