from fastapi.testclient import TestClient

from tests.support.api import bearer, signup


def test_signup_then_me(client: TestClient) -> None:
    tokens = signup(client)
    response = client.get("/api/users/me", headers=bearer(tokens["access_token"]))
    assert response.status_code == 200, response.text
    assert response.json()["id"] == tokens["user"]["id"]
