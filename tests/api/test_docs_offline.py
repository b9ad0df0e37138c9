"""/docs and /redoc work offline: every script, style and icon they load is served by the app."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

#: What each kind of asset must be served as, and at least how large it must be (the real
#: Swagger UI and ReDoc bundles are hundreds of kilobytes; an error page is not).
EXPECTED_ASSETS = {
    ".js": ("javascript", 100_000),
    ".css": ("text/css", 10_000),
    ".png": ("image/png", 500),
}


class _References(HTMLParser):
    """Every URL an HTML page makes the browser load: src, href and ReDoc's spec-url."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "spec-url") and value:
                self.urls.append(value)


def _references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    # Swagger UI is configured in an inline script: `url: '/openapi.json'`.
    parser.urls += re.findall(r"""\burl:\s*['"]([^'"]+)['"]""", html)
    return parser.urls


@pytest.mark.parametrize(("page", "bundle"), [("/docs", "swagger-ui"), ("/redoc", "redoc")])
def test_docs_pages_load_only_local_assets(client: TestClient, page: str, bundle: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE), html

    urls = _references(html)
    assert "/openapi.json" in urls
    assets = [url for url in urls if url != "/openapi.json"]
    assert any(bundle in url for url in assets), urls
    assert any(url.endswith(".js") for url in assets), urls
    for url in assets:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        suffix = url[url.rfind(".") :]
        kind, least = EXPECTED_ASSETS[suffix]
        assert kind in asset.headers["content-type"], (url, asset.headers["content-type"])
        assert len(asset.content) >= least, (url, len(asset.content))


def test_the_openapi_document_the_pages_load_is_served(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Preset API"
