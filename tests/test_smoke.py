from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_healthz_answers_json_and_touches_the_database(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert any("SELECT 1" in q["sql"] for q in queries.captured_queries)
