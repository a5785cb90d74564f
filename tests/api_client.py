"""A tiny helper for calling the REST API with a bearer token, as an integrator would."""

from __future__ import annotations

import json

from django.test import Client

from linli.accounts.services import api_token_create


class ApiClient:
    def __init__(self, user):
        _, key = api_token_create(actor=user, name="测试")
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path, **params):
        return self.client.get(path, params, **self.headers)

    def post(self, path, data=None):
        return self.client.post(
            path, json.dumps(data or {}), content_type="application/json", **self.headers
        )

    def put(self, path, data=None):
        return self.client.put(
            path, json.dumps(data or {}), content_type="application/json", **self.headers
        )

    def delete(self, path):
        return self.client.delete(path, **self.headers)
