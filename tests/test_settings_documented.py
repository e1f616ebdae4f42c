"""Every environment variable the settings read is documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_read_from_the_environment_is_in_the_readme() -> None:
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in [*(ROOT / "src/imvo/web").glob("*.py"), *(ROOT / "src/imvo/cli").glob("*.py")]
    )
    names = set(re.findall(r"\b(IMVO_[A-Z_]+|DATABASE_URL)\b", sources))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    undocumented = sorted(name for name in names if f"`{name}`" not in readme)
    assert names, "the settings read no variables at all?"
    assert undocumented == []
