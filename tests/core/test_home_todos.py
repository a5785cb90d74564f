"""A login with no role in any community but a task on one project lands on its to-dos."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.projects import registry

pytestmark = pytest.mark.django_db


def test_no_role_home_lists_registered_todos(client, world):
    outsider = world.users.outsider
    registry.register(
        registry.StageApp(
            label="test_todo",
            order=99,
            todos=lambda user: (
                [registry.Todo("审计", "安顺苑项目审计", "/x/")] if user.pk == outsider.pk else []
            ),
        )
    )
    try:
        client.force_login(outsider)
        html = client.get(reverse("home")).content.decode()
        assert "您的待办" in html and "安顺苑项目审计" in html
    finally:
        registry._APPS.pop("test_todo")
    html = client.get(reverse("home")).content.decode()
    assert "还没有任何角色" in html
