"""Partners and activities in the demo: 四平路街道's 1+5+n organisation, the secretariat
login's review queue, the design contest, the resident's to-dos; the reset removes it all."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_partners_and_activities(client):
    from linli.accounts.models import User
    from linli.activities.models import Activity, ActivityCheckin, PublicVote
    from linli.partners.models import Contribution, Partner, PartnerOrganisation

    call_command("demo_district", "--scale", "small", verbosity=0, stdout=io.StringIO())
    org = PartnerOrganisation.objects.get(street__name="四平路街道")
    assert org.committees.count() == 5
    assert org.partners.filter(status="active").count() >= 12
    assert org.teams.count() == 3
    assert Contribution.objects.filter(organisation=org, kind="money").exists()
    street_acts = Activity.objects.filter(street=org.street)
    assert street_acts.count() >= 6
    workshop = street_acts.get(kind="workshop")
    assert set(workshop.checkins.values_list("channel", flat=True)) == {"online", "offline"}
    assert ActivityCheckin.objects.filter(activity__street=org.street).count() >= 10
    assert PublicVote.objects.filter(activity__street=org.street).count() >= 3

    secretary = User.objects.get(mobile="13800000060")
    client.force_login(secretary)
    queue = client.get(reverse("partners:review", args=[org.street_id])).content.decode()
    resident = User.objects.get(mobile="13800000002")
    assert resident.name in queue and "退休会计" in queue
    assert Partner.objects.get(organisation=org, user=resident).status == "applied"

    client.force_login(resident)
    home = client.get(reverse("places:my_home")).content.decode()
    assert "小小景观设计师" in home and "设计赛投票" in home
    client.force_login(User.objects.get(mobile="13800000005"))
    street_home = client.get(reverse("places:street", args=[org.street_id])).content.decode()
    assert reverse("partners:organisation", args=[org.street_id]) in street_home
    page = client.get(reverse("partners:organisation", args=[org.street_id])).content.decode()
    assert "社区规划委员会" in page and "沈佳怡" in page and "何慧敏" in page

    # what demo_district --reset runs for these apps before deleting projects and streets
    from linli.demo.partners import delete
    from linli.places.models import District

    noted = {}
    delete(
        District.objects.get(name="杨浦区"), lambda k, n: noted.__setitem__(k, noted.get(k, 0) + n)
    )
    assert noted["activity_rows"] > 0 and noted["partner_rows"] > 0
    assert not PartnerOrganisation.objects.filter(street__name="四平路街道").exists()
    assert not Activity.objects.filter(street__district__name="杨浦区").exists()
