import pytest

from linli.notices.services import notice_create
from linli.projects.services import project_create


def _png() -> bytes:
    """A real 8×8 PNG: attachments are checked by decoding them, not by their first bytes."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 60, 40)).save(out, "PNG")
    return out.getvalue()


PNG = _png()
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def project(world):
    return project_create(actor=world.users.staff_a, committee=world.committee_a, title="睦邻花园")


@pytest.fixture
def notice(world, project):
    return notice_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        project=project,
        kind="plan",
        title="睦邻花园改造方案公示",
        body="经居民会议讨论，拟按方案二实施。",
        boards="开鲁一村3号门公告栏\n居委会宣传栏",
        publish=True,
    )
