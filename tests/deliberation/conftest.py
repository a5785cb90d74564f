import datetime

import pytest
from django.utils import timezone

from linli.deliberation.services import meeting_create
from linli.projects.services import project_create


@pytest.fixture
def project(world):
    return project_create(actor=world.users.staff_a, committee=world.committee_a, title="睦邻花园")


@pytest.fixture
def meeting(world, project):
    return meeting_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        kind="residents",
        title="开鲁一村居民会议",
        convener="committee",
        starts_at=timezone.now() + datetime.timedelta(hours=1),
        expected_count=4,
        project=project,
        location="居委会二楼会议室",
    )
