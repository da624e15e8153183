"""`.env.example` documents every variable the settings read."""

from __future__ import annotations

import re

from django.conf import settings

READ = re.compile(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]*)"')


def test_every_variable_the_settings_read_is_in_env_example() -> None:
    code = (settings.BASE_DIR / "airline" / "settings.py").read_text()
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", (settings.BASE_DIR / ".env.example").read_text(), re.M))
    read = set(READ.findall(code))
    assert len(read) > 40, "the pattern finds the settings' variables"
    assert sorted(read - documented) == []
