"""The library pages: /exercises/ (search, filters, their combinations) and /exercises/<slug>/."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises import content as exercise_content

from .factories import ExerciseFactory, MuscleFactory
from .helpers import grow_library_to
from .library_oracle import expected_slugs, external_assets, local_assets

ROWS = {r["slug"]: r for r in exercise_content.read()["exercises"]}


def results_html(response):
    html = response.content.decode()
    start = html.index('id="results"')
    return html[start : html.index("</section>", start)]


def result_slugs(response):
    assert response.status_code == 200
    return set(re.findall(r'href="/exercises/([a-z0-9-]+)/"', results_html(response)))


# ---------------------------------------------------------------- the list


def test_list_shows_the_whole_library(client, content):
    response = client.get("/exercises/")
    # 50 a page: the library now runs to a second page.
    assert result_slugs(response) | result_slugs(client.get("/exercises/", {"page": 2})) == set(ROWS)
    assert f"{len(ROWS)} exercises" in response.content.decode()


def test_list_rows_show_summary_pattern_muscles_and_equipment(client, content):
    html = results_html(client.get("/exercises/", {"q": "toe raise"}))
    toe = ROWS["toe-raise"]
    assert "Toe raise" in html
    assert "Isolation" in html  # the shin, not the calf pattern
    assert "Tibialis anterior" in html
    assert "Bodyweight" in html
    assert toe["summary"].split()[0] in html


@pytest.mark.parametrize(
    "params",
    [
        {"muscle": "hamstrings"},
        {"muscle": "tibialis-anterior"},
        {"muscle": "glute-medius"},
        {"equipment": "barbell"},
        {"equipment": "mini-band"},
        {"pattern": "plyometric"},
        {"pattern": "calf"},
        {"pattern": "upper"},
        {"no_equipment": "on"},
        {"q": "lunge"},
        {"q": "DEADLIFT"},
    ],
    ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()),
)
def test_each_filter_on_its_own(client, content, params):
    oracle = {k: v for k, v in params.items() if k != "no_equipment"}
    expected = expected_slugs(no_equipment="no_equipment" in params, **oracle)
    assert expected, "a filter test needs something to find"
    assert expected != set(ROWS), "a filter test needs something to leave out"
    assert result_slugs(client.get("/exercises/", params)) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"muscle": "hamstrings", "equipment": "machine"},
        {"pattern": "hinge", "no_equipment": "on"},
        {"q": "deadlift", "muscle": "glutes"},
        {"q": "calf", "equipment": "machine"},
        {"muscle": "glute-medius", "pattern": "isolation"},
        {"q": "squat", "pattern": "squat", "no_equipment": "on"},
        {"muscle": "quadriceps", "equipment": "dumbbell", "pattern": "lunge"},
    ],
    ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()),
)
def test_filters_combine(client, content, params):
    oracle = {k: v for k, v in params.items() if k != "no_equipment"}
    expected = expected_slugs(no_equipment="no_equipment" in params, **oracle)
    assert expected
    # A combination narrows further than each of its parts alone.
    for key in params:
        alone = {key: params[key]} if key != "no_equipment" else {}
        assert expected <= expected_slugs(no_equipment=key == "no_equipment", **alone)
    assert result_slugs(client.get("/exercises/", params)) == expected


def test_combination_that_matches_nothing_says_so(client, content):
    response = client.get("/exercises/", {"pattern": "plyometric", "equipment": "machine"})
    assert result_slugs(response) == set()
    assert "No exercise matches those filters" in response.content.decode()


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("RDL", "single-leg-romanian-deadlift"),
        ("rdl", "single-leg-romanian-deadlift"),
        ("Bulgarian split squat", "rear-foot-elevated-split-squat"),
        ("bulgarian", "rear-foot-elevated-split-squat"),
        ("pistol", "single-leg-squat"),
        ("heel drops", "eccentric-calf-raise"),
        ("  clamshell  ", "banded-clamshell"),
    ],
)
def test_search_matches_aliases(client, content, text, slug):
    found = result_slugs(client.get("/exercises/", {"q": text}))
    assert slug in found
    assert found == expected_slugs(q=text)


def test_search_with_nothing_found(client, content):
    assert result_slugs(client.get("/exercises/", {"q": "underwater basket weaving"})) == set()


def test_form_reflects_the_filters_in_the_url(client, content):
    html = client.get(
        "/exercises/", {"q": "RDL", "muscle": "hamstrings", "equipment": "kettlebell", "no_equipment": "on"}
    ).content.decode()
    assert re.search(r'<input[^>]*name="q"[^>]*value="RDL"', html)
    assert re.search(r'<option value="hamstrings" selected>', html)
    assert re.search(r'<option value="kettlebell" selected>', html)
    assert re.search(r'<input[^>]*name="no_equipment"[^>]*checked', html)
    # The form submits by GET, so a filtered view is a bookmarkable URL.
    assert re.search(r'<form method="get" action="/exercises/"', html)


def test_every_filter_control_has_a_label(client, content):
    html = client.get("/exercises/").content.decode()
    for control in ["id_q", "id_muscle", "id_equipment", "id_pattern", "id_no_equipment"]:
        assert f'id="{control}"' in html
        assert f'<label for="{control}"' in html or f'for="{control}"' in html


def test_pages_keep_the_filters(client, db):
    glutes = MuscleFactory(slug="glutes")
    ExerciseFactory.create_batch(60, muscles=[glutes])
    ExerciseFactory(slug="not-glutes", muscles=[MuscleFactory(slug="calves")])
    first = client.get("/exercises/", {"muscle": "glutes"})
    html = first.content.decode()
    assert "60 exercises" in html
    assert "Page 1 of 2" in html
    assert 'href="?muscle=glutes&amp;page=2"' in html
    second = client.get("/exercises/", {"muscle": "glutes", "page": 2})
    assert len(result_slugs(first)) == 50
    assert len(result_slugs(second)) == 10
    assert "not-glutes" not in result_slugs(first) | result_slugs(second)


def test_htmx_request_gets_only_the_results(client, content):
    response = client.get("/exercises/", {"pattern": "plyometric"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="results"')
    assert set(re.findall(r'href="/exercises/([a-z0-9-]+)/"', html)) == expected_slugs(pattern="plyometric")


@pytest.mark.parametrize(
    "params",
    [
        {"muscle": "no-such-muscle"},
        {"equipment": "jetpack"},
        {"pattern": "cartwheel"},
        {"no_equipment": "maybe"},
        {"q": "x" * 500},
        {"page": "banana"},
        {"page": "9999"},
        {"muscle": "'; DROP TABLE exercises_exercise; --"},
        {"muscle": ["glutes", "calves"], "pattern": ""},
    ],
    ids=["muscle", "equipment", "pattern", "no_equipment", "long-q", "page-text", "page-high", "sql", "repeat"],
)
def test_bad_filter_values_never_break_the_page(client, content, params):
    response = client.get("/exercises/", params)
    assert response.status_code == 200
    assert len(result_slugs(response)) >= 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"muscle": "no-such-muscle"}, "Muscle"),
        ({"equipment": "jetpack"}, "Equipment"),
        ({"pattern": "cartwheel"}, "Pattern"),
        ({"no_equipment": "maybe"}, "No_equipment"),
        ({"q": "x" * 500}, "Q"),
    ],
)
def test_bad_filter_value_shows_a_message_and_the_whole_library(client, content, params, field):
    response = client.get("/exercises/", params)
    html = results_html(response)
    assert 'role="alert"' in html
    assert f"{field}: " in html
    assert "Showing the whole library instead" in html
    second = client.get("/exercises/", {**params, "page": 2})
    assert result_slugs(response) | result_slugs(second) == set(ROWS)


# ---------------------------------------------------------------- the detail page


def test_detail_shows_everything_about_an_exercise(client, content):
    row = ROWS["hip-thrust"]
    response = client.get("/exercises/hip-thrust/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Hip thrust</h1>" in html
    steps = re.search(r'<ol class="steps">(.*?)</ol>', html, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", steps) == [_escape(s) for s in row["steps"]]
    for text in row["cues"] + row["safety"] + [row["dosing"]]:
        assert _escape(text) in html
    assert "Glutes (gluteus maximus)" in html
    assert 'href="/exercises/?equipment=barbell"' in html


def test_detail_links_variations_both_ways(client, content):
    html = client.get("/exercises/hip-thrust/").content.decode()
    easier, harder = html.split('<h3 class="h5">Harder</h3>')
    assert 'href="/exercises/glute-bridge/"' in easier.split('<h3 class="h5">Easier</h3>')[1]
    assert 'href="/exercises/single-leg-hip-thrust/"' in harder.split("</ul>")[0]


def test_detail_shows_sources_by_title(client, content):
    html = client.get("/exercises/conventional-deadlift/").content.decode()
    sources = html[html.index('id="sources"') :]
    for title in ["Key Leg Strength Exercises", "Leg Strengthening Exercises for Runners"]:
        assert f"<cite>{title}</cite>" in sources


def test_detail_of_a_plyometric_shows_ground_contacts(client, content):
    html = client.get("/exercises/tuck-jump/").content.decode()
    assert "Ground contacts" in html and "1 per rep" in html
    assert "Ground contacts" not in client.get("/exercises/toe-raise/").content.decode()


def test_detail_lists_the_programs_that_use_it(client, content):
    html = client.get("/exercises/stiff-legged-deadlift/").content.decode()
    assert 'href="/programs/posterior-chain/"' in html


def test_detail_of_unilateral_move_says_per_side(client, content):
    assert "per side" in client.get("/exercises/single-leg-romanian-deadlift/").content.decode()


def test_unknown_exercise_is_404(client, content):
    assert client.get("/exercises/no-such-exercise/").status_code == 404


def test_detail_page_for_a_new_exercise_without_variations(client, db):
    ExerciseFactory(slug="lonely-lift")
    html = client.get("/exercises/lonely-lift/").content.decode()
    assert "This is a starting point." in html
    assert "No harder variation in the library." in html


# ---------------------------------------------------------------- the shell of every page


@pytest.mark.parametrize("url", ["/", "/exercises/", "/exercises/hip-thrust/", "/exercises/?muscle=glutes"])
def test_pages_load_nothing_from_off_the_machine(client, content, url):
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert external_assets(html) == []
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_every_local_asset_is_served(client, content):
    html = client.get("/exercises/").content.decode()
    assets = local_assets(html)
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_pages_have_landmarks_and_a_skip_link(client, content):
    html = client.get("/exercises/").content.decode()
    assert 'href="#main"' in html and 'id="main"' in html
    assert "<main" in html and "<nav" in html and "<header>" in html
    assert '<html lang="en">' in html


def test_home_links_to_the_library_and_programs(client, content):
    html = client.get("/").content.decode()
    assert 'href="/exercises/"' in html
    assert 'href="/programs/"' in html
    assert 'href="/programs/posterior-chain/"' in html


# ---------------------------------------------------------------- query counts


def list_queries(client, url, expected_rows):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert len(result_slugs(response)) == expected_rows
    return len(queries)


@pytest.mark.parametrize("url", ["/exercises/", "/exercises/?muscle=glutes&equipment=barbell&q=exercise"])
def test_list_page_queries_stay_flat(client, db, url):
    grow_library_to(5)
    five = list_queries(client, url, 5)
    grow_library_to(50)
    fifty = list_queries(client, url, 50)
    assert five == fifty


def _escape(text):
    return text.replace("&", "&amp;").replace("'", "&#x27;").replace('"', "&quot;").replace("<", "&lt;")


@pytest.mark.parametrize("url", ["/", "/exercises/", "/exercises/?muscle=nope", "/exercises/hip-thrust/"])
def test_public_pages_have_balanced_markup(client, content, url):
    html = client.get(url).content.decode()
    for tag in ["div", "section", "article", "form", "ul", "ol", "nav", "main", "dl"]:
        opened = len(re.findall(rf"<{tag}[\s>]", html))
        assert opened == html.count(f"</{tag}>"), tag


def test_detail_page_queries_do_not_grow_with_variations_or_muscles(client, db):
    base = ExerciseFactory(slug="base", muscles=[MuscleFactory(slug="glutes")])
    ExerciseFactory(slug="one").harder.add(base)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/exercises/base/").status_code == 200
    for i in range(10):
        base.harder.add(ExerciseFactory(slug=f"harder-{i}"))
        base.easier.add(ExerciseFactory(slug=f"easier-{i}"))
        base.secondary_muscles.add(MuscleFactory(slug=f"muscle-{i}"))
    with CaptureQueriesContext(connection) as many:
        page = client.get("/exercises/base/").content.decode()
    assert "/exercises/harder-9/" in page and "/exercises/easier-9/" in page
    assert len(few) == len(many)
