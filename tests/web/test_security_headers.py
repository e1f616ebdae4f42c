"""HTTPS, HSTS and the Content Security Policy (issue 9, finding 7): one setting, IMVO_HTTPS,
turns on the redirect, HSTS and secure cookies; `check --deploy` is clean in the production
configuration; the pages carry a strict CSP and no template holds an inline script or style."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

TEMPLATES = Path(__file__).resolve().parents[2] / "src/imvo/web"
PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in (
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "CONTENT_SECURITY_POLICY")}))
"""


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "IMVO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "IMVO_SECRET_KEY": secrets.token_urlsafe(50),
        "IMVO_DEBUG": "false",
        "IMVO_ALLOWED_HOSTS": "imvo.example.org",
        "IMVO_HTTPS": "true",
        "DJANGO_SETTINGS_MODULE": "imvo.web.settings",
        **extra,
    }
    return env


def settings_in(env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "imvo.cli",
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_prints_no_warning_in_the_production_configuration(tmp_path: Path) -> None:
    result = deploy_check(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_https_is_left_off(tmp_path: Path) -> None:
    result = deploy_check(production_env(tmp_path, IMVO_HTTPS="false"))
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


def test_imvo_https_turns_on_redirect_hsts_and_secure_cookies(tmp_path: Path) -> None:
    on = settings_in(production_env(tmp_path))
    assert on["SECURE_SSL_REDIRECT"] is True
    assert on["SECURE_HSTS_SECONDS"] == 365 * 24 * 60 * 60
    assert on["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert on["SECURE_HSTS_PRELOAD"] is False
    assert on["SECURE_PROXY_SSL_HEADER"] is None  # no proxy: nothing may claim HTTPS
    assert on["SESSION_COOKIE_SECURE"] is on["CSRF_COOKIE_SECURE"] is True

    behind_proxy = settings_in(
        production_env(tmp_path, IMVO_PROXY_HOPS="1", IMVO_HSTS_PRELOAD="true")
    )
    assert behind_proxy["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert behind_proxy["SECURE_HSTS_PRELOAD"] is True

    off = settings_in(production_env(tmp_path, IMVO_HTTPS="", IMVO_PROXY_HOPS="1"))
    assert off["SECURE_SSL_REDIRECT"] is False
    assert off["SECURE_HSTS_SECONDS"] == 0
    assert off["SECURE_PROXY_SSL_HEADER"] is None
    assert off["SESSION_COOKIE_SECURE"] is False
    cookies_only = settings_in(production_env(tmp_path, IMVO_HTTPS="", IMVO_SECURE_COOKIES="1"))
    assert cookies_only["SESSION_COOKIE_SECURE"] is True
    assert cookies_only["SECURE_SSL_REDIRECT"] is False


def test_the_map_tile_server_may_serve_images_and_nothing_else(tmp_path: Path) -> None:
    policy = settings_in(
        production_env(tmp_path, IMVO_MAP_TILES="https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    )["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert policy["img-src"] == ["'self'", "https://*.tiles.example.org"]
    assert policy["script-src"] == ["'self'"]


@pytest.mark.django_db
def test_plain_http_is_redirected_and_https_answers_with_hsts(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    client = Client()
    redirected = client.get("/open-data/")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/open-data/"
    secure = client.get("/open-data/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client: Client) -> None:
    policy = _directives(client.get("/open-data/")["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)


@pytest.mark.django_db
def test_only_the_api_docs_relax_the_policy_and_only_for_styles_and_images(
    client: Client,
) -> None:
    policy = _directives(client.get("/api/v1/docs/")["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in policy["style-src"]
    assert "data:" in policy["img-src"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER_OR_STYLE = re.compile(r"""\s(on[a-z]+|style)\s*=\s*["']""", re.IGNORECASE)


def test_no_template_holds_an_inline_script_style_or_event_handler() -> None:
    found = []
    for template in sorted(TEMPLATES.rglob("templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER_OR_STYLE):
            found += [
                f"{template.relative_to(TEMPLATES)}: {m.group(0)}" for m in pattern.finditer(text)
            ]
        if "<style" in text:
            found.append(f"{template.relative_to(TEMPLATES)}: <style>")
    assert found == []
