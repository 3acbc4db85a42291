from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_healthz_answers_json_and_touches_the_database(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert any("SELECT 1" in q["sql"] for q in queries.captured_queries)


def test_a_missing_page_is_the_site_s_own_page_and_an_api_miss_is_json(client, db):
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert b"Nothing here" in page.content and b'name="viewport"' in page.content  # phone-sized, with the menu
    api = client.get("/api/v1/no-such-thing/")
    assert api.status_code == 404 and api.json() == {"detail": "Not found."}
