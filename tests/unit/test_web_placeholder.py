"""The web app factory builds an app whose placeholder page answers (until the web issue)."""

from __future__ import annotations

from web import create_app


def test_the_placeholder_page_answers_in_indonesian() -> None:
    client = create_app({"TESTING": True}).test_client()
    page = client.get("/")
    assert page.status_code == 200
    assert "Eskalasi LPSE Support" in page.get_data(as_text=True)
    assert 'lang="id"' in page.get_data(as_text=True)
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_an_unknown_page_is_a_404_not_a_500() -> None:
    assert create_app().test_client().get("/tidak-ada").status_code == 404
