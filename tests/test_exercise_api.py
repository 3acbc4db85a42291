"""The library API: /api/v1/exercises/, /muscles/, /equipment/, the schema and the docs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises import content as exercise_content

from .factories import ExerciseFactory
from .helpers import grow_library_to
from .library_oracle import expected_slugs, external_assets, local_assets

DATA = exercise_content.read()
ROWS = {r["slug"]: r for r in DATA["exercises"]}
LIST_FIELDS = {
    "slug",
    "name",
    "summary",
    "pattern",
    "unilateral",
    "primary_muscles",
    "secondary_muscles",
    "equipment",
}


def all_results(api_client, params=None):
    """Every result of a list, following `next` through the pages."""
    response = api_client.get("/api/v1/exercises/", params or {})
    assert response.status_code == 200, response.content
    body = response.json()
    results = list(body["results"])
    while body["next"]:
        body = api_client.get(body["next"]).json()
        results += body["results"]
    assert len(results) == response.json()["count"]
    return results


def slugs(api_client, params=None):
    return {r["slug"] for r in all_results(api_client, params)}


# ---------------------------------------------------------------- list


def test_list_is_paginated_with_count_next_previous(api_client, content):
    response = api_client.get("/api/v1/exercises/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == len(ROWS)
    assert body["previous"] is None
    assert body["next"].endswith("/api/v1/exercises/?page=2")
    assert len(body["results"]) == 20
    second = api_client.get(body["next"]).json()
    assert second["previous"] is not None
    assert {r["slug"] for r in body["results"]}.isdisjoint({r["slug"] for r in second["results"]})


def test_list_results_carry_slug_lists(api_client, content):
    results = {r["slug"]: r for r in all_results(api_client)}
    assert set(results) == set(ROWS)
    for slug, result in results.items():
        row = ROWS[slug]
        assert set(result) >= LIST_FIELDS
        assert result["name"] == row["name"]
        assert result["summary"] == row["summary"]
        assert result["pattern"] == row["pattern"]
        assert result["unilateral"] is row["unilateral"]
        assert sorted(result["primary_muscles"]) == sorted(row["primary_muscles"])
        assert sorted(result["secondary_muscles"]) == sorted(row["secondary_muscles"])
        assert sorted(result["equipment"]) == sorted(row["equipment"])


@pytest.mark.parametrize(
    "params",
    [
        {"muscle": "hamstrings"},
        {"muscle": "tibialis-anterior"},
        {"equipment": "barbell"},
        {"equipment": "swiss-ball"},
        {"pattern": "plyometric"},
        {"pattern": "bridge"},
        {"no_equipment": "true"},
        {"search": "lunge"},
        {"q": "calf"},
    ],
    ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()),
)
def test_each_filter_on_its_own(api_client, content, params):
    oracle = {("q" if k in ("q", "search") else k): v for k, v in params.items() if k != "no_equipment"}
    expected = expected_slugs(no_equipment="no_equipment" in params, **oracle)
    assert expected and expected != set(ROWS)
    assert slugs(api_client, params) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"muscle": "hamstrings", "equipment": "machine"},
        {"pattern": "hinge", "no_equipment": "true"},
        {"search": "deadlift", "muscle": "glutes"},
        {"search": "squat", "pattern": "squat", "no_equipment": "true"},
        {"muscle": "quadriceps", "equipment": "dumbbell", "pattern": "lunge"},
        {"muscle": "calves", "pattern": "calf", "equipment": "machine", "search": "raise"},
    ],
    ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()),
)
def test_filters_combine(api_client, content, params):
    oracle = {("q" if k == "search" else k): v for k, v in params.items() if k != "no_equipment"}
    expected = expected_slugs(no_equipment="no_equipment" in params, **oracle)
    assert expected
    assert slugs(api_client, params) == expected


def test_no_equipment_false_is_no_filter(api_client, content):
    assert slugs(api_client, {"no_equipment": "false"}) == set(ROWS)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("RDL", "single-leg-romanian-deadlift"),
        ("Bulgarian split squat", "rear-foot-elevated-split-squat"),
        ("bulgarian SPLIT", "rear-foot-elevated-split-squat"),
        ("push-up", "press-up"),
        ("leg curl", "hamstring-curl"),
    ],
)
def test_search_matches_aliases(api_client, content, text, slug):
    found = slugs(api_client, {"search": text})
    assert slug in found
    assert found == expected_slugs(q=text)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"muscle": "no-such-muscle"}, "muscle"),
        ({"equipment": "jetpack"}, "equipment"),
        ({"pattern": "cartwheel"}, "pattern"),
        ({"no_equipment": "maybe"}, "no_equipment"),
        ({"search": "x" * 500}, "search"),
        ({"muscle": "'; DROP TABLE exercises_exercise; --"}, "muscle"),
    ],
)
def test_bad_filter_value_is_400_with_a_message(api_client, content, params, field):
    response = api_client.get("/api/v1/exercises/", params)
    assert response.status_code == 400
    body = response.json()
    assert field in body
    assert body[field] and all(isinstance(m, str) and m for m in body[field])


def test_page_out_of_range_is_404_json(api_client, content):
    response = api_client.get("/api/v1/exercises/", {"page": 99})
    assert response.status_code == 404
    assert "detail" in response.json()


# ---------------------------------------------------------------- detail


def test_detail_has_steps_cues_variations_and_sources(api_client, content):
    response = api_client.get("/api/v1/exercises/hip-thrust/")
    assert response.status_code == 200
    body = response.json()
    row = ROWS["hip-thrust"]
    assert set(body) >= LIST_FIELDS | {"steps", "cues", "safety", "easier", "harder", "sources", "aliases", "dosing"}
    assert body["steps"] == row["steps"]
    assert body["cues"] == row["cues"]
    assert body["safety"] == row["safety"]
    assert body["aliases"] == row["aliases"]
    assert sorted(body["harder"]) == sorted(row["harder"])
    assert "glute-bridge" in body["easier"]
    assert {s["slug"] for s in body["sources"]} == set(row["sources"])
    assert all(s["title"] for s in body["sources"])


def test_detail_of_a_plyometric_gives_ground_contacts(api_client, content):
    assert api_client.get("/api/v1/exercises/tuck-jump/").json()["ground_contacts_per_rep"] == 1
    assert api_client.get("/api/v1/exercises/toe-raise/").json()["ground_contacts_per_rep"] is None


def test_unknown_slug_is_404_json(api_client, content):
    response = api_client.get("/api/v1/exercises/no-such-exercise/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_library_is_read_only(api_user, content):
    assert api_user.post("/api/v1/exercises/", {"slug": "x", "name": "X"}).status_code == 405
    assert api_user.delete("/api/v1/exercises/hip-thrust/").status_code == 405
    assert api_user.patch("/api/v1/exercises/hip-thrust/", {"name": "X"}).status_code == 405


# ---------------------------------------------------------------- muscles, equipment


def test_muscles(api_client, content):
    response = api_client.get("/api/v1/muscles/")
    assert response.status_code == 200
    body = response.json()
    assert {m["slug"] for m in body} == {m["slug"] for m in DATA["muscles"]}
    assert all(set(m) >= {"slug", "name"} for m in body)
    assert api_client.get("/api/v1/muscles/soleus/").json()["name"] == "Soleus"
    assert api_client.get("/api/v1/muscles/wings/").status_code == 404


def test_equipment(api_client, content):
    response = api_client.get("/api/v1/equipment/")
    assert response.status_code == 200
    body = response.json()
    assert {e["slug"] for e in body} == {e["slug"] for e in DATA["equipment"]}
    assert api_client.get("/api/v1/equipment/mini-band/").json()["slug"] == "mini-band"
    assert api_client.get("/api/v1/equipment/jetpack/").status_code == 404


# ---------------------------------------------------------------- schema and docs


def test_schema_is_openapi_3(api_client, db):
    response = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in [
        "/api/v1/exercises/",
        "/api/v1/exercises/{slug}/",
        "/api/v1/muscles/",
        "/api/v1/equipment/",
        "/api/v1/programs/",
        "/api/v1/programs/{slug}/",
        "/api/v1/enrollments/",
        "/api/v1/enrollments/{id}/",
        "/api/v1/auth/token/",
    ]:
        assert path in schema["paths"], path
    parameters = {p["name"] for p in schema["paths"]["/api/v1/exercises/"]["get"]["parameters"]}
    assert {"muscle", "equipment", "pattern", "search", "no_equipment"} <= parameters


def test_schema_yaml_by_default(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


def test_docs_load_with_no_external_asset(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert external_assets(html) == []
    assets = local_assets(html)
    assert assets, "the docs page should load Swagger UI from this site"
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert b"http://" not in script.content and b"https://" not in script.content


# ---------------------------------------------------------------- query counts


def list_queries(api_client, params, expected_count):
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get("/api/v1/exercises/", params)
    assert response.json()["count"] == expected_count
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"muscle": "glutes", "equipment": "barbell", "search": "exercise"}])
def test_list_api_queries_stay_flat(api_client, db, params):
    grow_library_to(5)
    five = list_queries(api_client, params, 5)
    grow_library_to(50)
    fifty = list_queries(api_client, params, 50)
    assert five == fifty


def test_detail_api_queries_do_not_grow_with_variations(api_client, db):
    base = ExerciseFactory(slug="base")
    ExerciseFactory(slug="one").harder.add(base)
    with CaptureQueriesContext(connection) as few:
        api_client.get("/api/v1/exercises/base/")
    for i in range(10):
        base.harder.add(ExerciseFactory(slug=f"harder-{i}"))
    with CaptureQueriesContext(connection) as many:
        body = api_client.get("/api/v1/exercises/base/").json()
    assert len(body["harder"]) == 10
    assert len(few) == len(many)
