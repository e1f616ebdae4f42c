"""The read-only API under /api/v1/: what it answers, how it fails, and that its OpenAPI schema
documents exactly what it returns."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from imvo.core.errors import ImvoError
from imvo.web.api_errors import exception_handler
from imvo.web.registry import selectors
from imvo.web.registry.jsonable import to_jsonable

pytestmark = pytest.mark.django_db

DAY = "2018-06-30"


ENDPOINTS: dict[str, tuple[str, Callable[[dt.date], Any]]] = {
    "covenant_list": ("/api/v1/covenants/", lambda on: selectors.covenant_list(on=on)),
    "covenant_detail": (
        "/api/v1/covenants/textile/",
        lambda on: selectors.covenant_detail(slug="textile", on=on),
    ),
    "coverage_get": (
        "/api/v1/covenants/textile/coverage/",
        lambda on: selectors.coverage_get(covenant="textile", on=on),
    ),
    "sector_list": ("/api/v1/sectors/", lambda on: selectors.sector_list(on=on)),
    "target_list": ("/api/v1/targets/", lambda on: selectors.target_list(on=on)),
    "theme_matrix_get": ("/api/v1/themes/", lambda on: selectors.theme_matrix_get(on=on)),
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    generated: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    return generated


@pytest.mark.parametrize("operation", ENDPOINTS)
def test_every_endpoint_returns_exactly_the_documented_fields(
    client: Client, cast: object, schema: dict[str, Any], operation: str
) -> None:
    url, _ = ENDPOINTS[operation]
    response = client.get(url, {"on": DAY})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    documented = _response_schema(schema, operation)
    assert _mismatches(response.json(), documented, schema["components"]["schemas"]) == []


@pytest.mark.parametrize("operation", ENDPOINTS)
def test_api_returns_the_selector_result_in_the_shared_json_encoding(
    client: Client, cast: object, operation: str
) -> None:
    url, read = ENDPOINTS[operation]
    response = client.get(url, {"on": DAY})

    expected = json.loads(json.dumps(to_jsonable(read(dt.date.fromisoformat(DAY)))))
    assert response.json() == expected


def test_cast_fills_the_documented_structures(client: Client, cast: object) -> None:
    # Guards the schema test above against passing on empty lists and nulls.
    detail = client.get("/api/v1/covenants/textile/", {"on": DAY}).json()
    assert detail["status"] == "signed"
    assert [p["slug"] for p in detail["parties"]] == ["hema", "zeeman", "fnv"]
    assert detail["targets"][0]["baseline_on"] == "2016-07-04"
    assert detail["trajectories"][0]["points"] == [["2016-07-04", 0.33], ["2018-12-31", 0.5]]
    assert detail["series"]["months"][0] == "2016-07-31"
    assert detail["observations"][0]["source"]["key"] == "ser-agt-2016"
    themes = client.get("/api/v1/themes/", {"on": DAY}).json()
    assert themes["disputes"][0]["text_level"] == "goal"
    assert {"covenant": "banking", "theme": "living-wage"} in themes["gaps"]
    sectors = {s["slug"]: s for s in client.get("/api/v1/sectors/", {"on": DAY}).json()}
    assert sectors["textile"]["coverage"]["by_covenant"][0]["covenant"] == "textile"
    assert sectors["chemicals"]["status"] == "none"


def test_on_chooses_the_day_reported_on(client: Client, cast: object) -> None:
    def statuses(on: str) -> dict[str, str]:
        return {c["slug"]: c["status"] for c in client.get("/api/v1/covenants/", {"on": on}).json()}

    assert statuses("2014-12-31") == {}
    assert statuses("2015-03-01") == {"textile": "negotiating"}
    assert statuses(DAY) == {"textile": "signed", "banking": "signed"}
    assert statuses("2022-01-01") == {"textile": "ended", "banking": "signed"}


def test_names_follow_the_requested_language(client: Client, cast: object) -> None:
    dutch = client.get("/api/v1/covenants/textile/", {"on": DAY}, HTTP_ACCEPT_LANGUAGE="nl")
    english = client.get("/api/v1/covenants/textile/", {"on": DAY}, HTTP_ACCEPT_LANGUAGE="en")
    assert dutch.json()["name"] == "Convenant Duurzame Kleding en Textiel"
    assert english.json()["name"] == "Dutch Agreement on Sustainable Garments and Textile"


def test_on_defaults_to_today(client: Client, cast: object) -> None:
    coverage = client.get("/api/v1/covenants/textile/coverage/").json()
    assert coverage["on"] == timezone.localdate().isoformat()


def test_targets_can_be_limited_to_one_covenant(client: Client, cast: object) -> None:
    assert client.get("/api/v1/targets/", {"on": DAY, "covenant": "banking"}).json() == []
    textile = client.get("/api/v1/targets/", {"on": DAY, "covenant": "textile"}).json()
    assert [t["covenant"] for t in textile] == ["textile"]


@pytest.mark.parametrize("url", [url for url, _ in ENDPOINTS.values()])
@pytest.mark.parametrize("bad", ["30-06-2018", "2018-02-30", "today"])
def test_a_bad_date_is_a_400_naming_on(client: Client, cast: object, url: str, bad: str) -> None:
    response = client.get(url, {"on": bad})
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["on"]
    assert "YYYY-MM-DD" in body["on"][0]


def test_an_unknown_covenant_in_the_query_is_a_400_naming_it(client: Client, cast: object) -> None:
    response = client.get("/api/v1/targets/", {"covenant": "tea"})
    assert response.status_code == 400
    assert response.json() == {"covenant": ["unknown covenant 'tea'"]}


@pytest.mark.parametrize("url", ["/api/v1/covenants/tea/", "/api/v1/covenants/tea/coverage/"])
def test_an_unknown_covenant_in_the_path_is_a_json_404(
    client: Client, cast: object, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "unknown covenant 'tea'"}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", [url for url, _ in ENDPOINTS.values()])
def test_the_api_is_read_only(client: Client, cast: object, url: str, method: str) -> None:
    response = getattr(client, method)(url, data={}, content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert "detail" in response.json()


def test_writes_are_refused_for_a_logged_in_user_too(cast: object) -> None:
    # With session authentication a logged-in write would fail CSRF (403) before reaching 405.
    user = get_user_model().objects.create_user("secretariat", password="correct horse battery")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/covenants/", {})
    assert response.status_code == 405


def test_an_imvo_error_is_a_400_naming_its_field() -> None:
    error = ImvoError("must lie between 0 and 1", field="share", file="shares.csv", row=7)
    response = exception_handler(error, {})
    assert response is not None
    assert response.status_code == 400
    assert response.data == {"share": ["must lie between 0 and 1"]}


def test_an_imvo_error_without_a_field_is_a_400_detail() -> None:
    response = exception_handler(ImvoError("the data is inconsistent"), {})
    assert response is not None
    assert response.status_code == 400
    assert response.data == {"detail": ["the data is inconsistent"]}


def test_the_schema_validates_without_warnings(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for operation in ENDPOINTS:
        assert f"operationId: {operation}" in text


def test_the_schema_is_served_as_openapi(client: Client) -> None:
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    served = json.loads(response.content)
    assert served["openapi"].startswith("3.")
    assert set(served["paths"]) == {
        "/api/v1/covenants/",
        "/api/v1/covenants/{slug}/",
        "/api/v1/covenants/{slug}/coverage/",
        "/api/v1/sectors/",
        "/api/v1/targets/",
        "/api/v1/themes/",
        "/api/v1/me/",
        "/api/v1/supplier-lists/",
        "/api/v1/supplier-lists/{id}/",
        "/api/v1/import-jobs/{id}/",
        "/api/v1/submissions/",
        "/api/v1/submissions/{id}/",
        "/api/v1/submissions/{id}/submit/",
        "/api/v1/submissions/{id}/reopen/",
        "/api/v1/submissions/{id}/risks/",
        "/api/v1/submissions/{id}/actions/",
        "/api/v1/submissions/{id}/template/",
        "/api/v1/submissions/{id}/risk-check/",
        "/api/v1/submissions/{id}/assessment/",
        "/api/v1/risks/{id}/",
        "/api/v1/actions/{id}/",
        "/api/v1/assessments/{id}/",
        "/api/v1/assessments/{id}/scores/",
        "/api/v1/assessments/{id}/publish/",
        "/api/v1/assessment-frameworks/",
        "/api/v1/assessment-outcomes/",
        "/api/v1/risk-check/",
        "/api/v1/releases/",
        "/api/v1/releases/{id}/",
        "/api/v1/releases/{id}/files/{fmt}/",
        "/api/v1/facilities/",
        "/api/v1/facilities/{facility_id}/",
        "/api/v1/brands/",
        "/api/v1/companies/{slug}/shared-facilities/",
        "/api/v1/covenants/{slug}/clusters/",
    }


def test_the_docs_page_loads_only_assets_served_by_the_application(client: Client) -> None:
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = _referenced_urls(html)

    assert assets, "the docs page references no assets at all"
    # Its own script comes from the docs route itself (no inline script under the CSP).
    assert [url for url in assets if not url.startswith(("/static/", "/api/v1/docs/?"))] == []
    assert not re.search(r"https?://", html), "the docs page names an external address"
    scripts = []
    for url in assets:
        asset = client.get(url)
        assert asset.status_code == 200, url
        if url.startswith("/api/v1/docs/?"):
            scripts.append(asset.content.decode())
        asset.close()
    assert scripts, "the docs page loads no script of its own"
    assert all('"validatorUrl": null' in script for script in scripts), (
        "Swagger UI would send the schema to its validator"
    )


# ---- helpers ------------------------------------------------------------------------------


def _response_schema(schema: dict[str, Any], operation: str) -> dict[str, Any]:
    for item in schema["paths"].values():
        for spec in item.values():
            if spec.get("operationId") == operation:
                return spec["responses"]["200"]["content"]["application/json"]["schema"]  # type: ignore[no-any-return]
    raise AssertionError(f"no operation {operation} in the schema")


def _mismatches(
    value: Any, schema: dict[str, Any], components: dict[str, Any], path: str = "$"
) -> list[str]:
    """Where `value` differs from `schema`: objects must have exactly the documented keys."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if value is None and (schema.get("nullable") or None in schema.get("enum", ())):
        return []
    if "oneOf" in schema:
        if any(not _mismatches(value, s, components, path) for s in schema["oneOf"]):
            return []
        return [f"{path}: {value!r} matches no alternative"]
    if "allOf" in schema:
        return [p for s in schema["allOf"] for p in _mismatches(value, s, components, path)]
    if value is None:
        return [f"{path}: null is not documented"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{path}: {value!r} is not one of {schema['enum']}"]
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{path}: expected an object"]
        if "properties" in schema:
            documented = set(schema["properties"])
            if set(value) != documented:
                return [
                    f"{path}: undocumented {sorted(set(value) - documented)}, "
                    f"missing {sorted(documented - set(value))}"
                ]
            return [
                problem
                for key, item in value.items()
                for problem in _mismatches(
                    item, schema["properties"][key], components, f"{path}.{key}"
                )
            ]
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            return [
                problem
                for key, item in value.items()
                for problem in _mismatches(item, extra, components, f"{path}.{key}")
            ]
        return []
    if kind == "array":
        if not isinstance(value, list):
            return [f"{path}: expected an array"]
        return [
            problem
            for index, item in enumerate(value)
            for problem in _mismatches(
                item, schema.get("items", {}), components, f"{path}[{index}]"
            )
        ]
    checks: dict[str, Callable[[Any], bool]] = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
    }
    if kind in checks and not checks[kind](value):
        return [f"{path}: {value!r} is not a {kind}"]
    if schema.get("format") == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return [f"{path}: {value!r} is not a date"]
    return []


class _AssetFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"src", "href"} and value:
                self.urls.append(value)


def _referenced_urls(html: str) -> list[str]:
    finder = _AssetFinder()
    finder.feed(html)
    return finder.urls


@pytest.mark.django_db
def test_an_unknown_api_url_answers_json_404_and_a_page_url_the_site_page(client: Client) -> None:
    api = client.get("/api/v1/no-such-thing/")
    assert api.status_code == 404
    assert api["Content-Type"] == "application/json"
    assert api.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_answers_json_without_its_cause(rf: Any) -> None:
    from imvo.web.api_errors import server_error

    response = server_error(rf.get("/api/v1/covenants/"))
    assert response.status_code == 500
    assert json.loads(response.content) == {"detail": "A server error occurred."}
    assert server_error(rf.get("/")).status_code == 500
