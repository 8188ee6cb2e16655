"""`GET /api/health` reflects the database."""

from starlette.testclient import TestClient

from esim_app.http.api import api
from services.core import db
from tests.conftest import use_database


def test_health_is_200_when_the_database_answers(database_url: str) -> None:
    response = TestClient(api).get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_down(database_url: str) -> None:
    use_database("postgresql://postgres@127.0.0.1:1/nowhere")
    try:
        response = TestClient(api).get("/api/health")
    finally:
        db.reset_engine()
        use_database(database_url)
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
