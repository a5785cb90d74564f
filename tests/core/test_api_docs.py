"""/api/docs renders offline: Swagger UI comes from npm through our own static files."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def static_client(settings):
    # WhiteNoise serves from the finders here (tests do not run collectstatic); the demo and
    # production serve the same files hashed and compressed from STATIC_ROOT.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    return Client()


def test_api_docs_reference_only_local_files_and_they_are_served(static_client, world):
    static_client.force_login(world.users.staff_a)
    response = static_client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert not [u for u in urls if re.match(r"(https?:)?//", u)], urls  # no CDN, no host
    assert "cdn" not in html.lower() and "<script>" not in html  # and no inline script
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert any("vendor/swagger-ui/swagger-ui-bundle" in s for s in scripts)
    assets = [u for u in urls if u.startswith("/static/")]
    assert len(assets) == 4  # css, bundle, standalone preset, our initialiser
    for url in assets:
        served = static_client.get(url)
        assert served.status_code == 200, url
        body = b"".join(served.streaming_content) if served.streaming else served.content
        assert len(body) > 100, url
    settings_json = re.search(
        r'<script type="application/json" id="swagger-settings">(.*?)</script>', html, re.S
    ).group(1)
    openapi_url = json.loads(settings_json)["url"]
    assert openapi_url == "/api/openapi.json"
    spec = static_client.get(openapi_url)
    assert spec.status_code == 200 and spec.json()["info"]["title"] == "邻里 Linli API"


def test_unused_npm_files_are_left_out_of_static_files():
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/swagger-ui/swagger-ui-bundle.js")
    assert finders.find("vendor/echarts/echarts.min.js")
    assert finders.find("vendor/leaflet/leaflet.js")
    assert not finders.find("vendor/echarts/echarts.esm.js")
    assert not finders.find("vendor/swagger-ui/index.html")
