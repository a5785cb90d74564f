"""A paper ballot that has been counted refuses further entries; replacing an owner's own
online ballot with a paper one is a deliberate, stated act (issue 11)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from linli.core.errors import ServiceError
from linli.voting import services
from linli.voting.models import Ballot, PaperEntry
from tests.factories import make_user


def _clerks(estate):
    return estate.world.users.staff_a, make_user(
        "committee_staff", estate.world.committee_a, name="居委会小李"
    )


def test_counted_paper_ballot_refuses_to_be_keyed_again(estate, owners_vote):
    vote = owners_vote()
    clerk1, clerk2 = _clerks(estate)
    e4 = vote.electors.get(flat=estate.flats["F4"])
    services.paper_entry_record(actor=clerk1, vote=vote, code=e4.paper_code, choice="agree")
    services.paper_entry_record(actor=clerk2, vote=vote, code=e4.paper_code, choice="agree")
    with pytest.raises(ServiceError, match="已计入") as exc:
        services.paper_entry_record(actor=clerk1, vote=vote, code=e4.paper_code, choice="disagree")
    assert exc.value.status == 409
    assert PaperEntry.objects.filter(elector=e4).count() == 2
    # and the vote can still be closed: nothing is left half-entered
    result = services.vote_close(actor=clerk1, vote=vote, reason="测试")
    assert result.counts["ballots"] == 1


def test_counted_paper_ballot_refused_on_the_page(client, estate, owners_vote):
    vote = owners_vote()
    clerk1, clerk2 = _clerks(estate)
    e4 = vote.electors.get(flat=estate.flats["F4"])
    services.paper_entry_record(actor=clerk1, vote=vote, code=e4.paper_code, choice="agree")
    services.paper_entry_record(actor=clerk2, vote=vote, code=e4.paper_code, choice="agree")
    client.force_login(clerk1)
    r = client.post(f"/votes/{vote.pk}/paper/", {"code": e4.paper_code, "choice": "disagree"})
    assert r.status_code == 409
    assert "已计入" in r.content.decode()
    assert PaperEntry.objects.filter(elector=e4).count() == 2


def test_paper_ballot_does_not_silently_replace_the_owners_online_ballot(estate, owners_vote):
    vote = owners_vote()
    clerk1, clerk2 = _clerks(estate)
    services.ballot_cast(
        actor=estate.users["D"], vote=vote, flat=estate.flats["F4"], choice="agree",
        idempotency_key="online-1",
    )  # fmt: skip
    e4 = vote.electors.get(flat=estate.flats["F4"])
    with pytest.raises(ServiceError, match="已在网上投票") as exc:
        services.paper_entry_record(actor=clerk1, vote=vote, code=e4.paper_code, choice="disagree")
    assert exc.value.status == 409
    assert not PaperEntry.objects.filter(elector=e4).exists()
    # the deliberate way: both clerks confirm the paper ballot replaces the online one
    services.paper_entry_record(
        actor=clerk1, vote=vote, code=e4.paper_code, choice="disagree", replace_online=True
    )
    services.paper_entry_record(
        actor=clerk2, vote=vote, code=e4.paper_code, choice="disagree", replace_online=True
    )
    ballot = Ballot.objects.get(elector=e4)
    assert ballot.channel == "paper" and ballot.choice == "disagree"


def test_paper_page_states_the_rule(client, estate, owners_vote):
    vote = owners_vote()
    client.force_login(estate.world.users.staff_a)
    html = client.get(f"/votes/{vote.pk}/paper/").content.decode()
    assert "网上投票" in html and "替代" in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_twenty_parallel_entries_of_one_ballot_by_two_clerks_count_once(estate, owners_vote):
    vote = owners_vote()
    clerk1, clerk2 = _clerks(estate)
    e4 = vote.electors.get(flat=estate.flats["F4"])
    accepted, barrier = [], threading.Barrier(20)

    def run(clerk):
        try:
            barrier.wait()
            services.paper_entry_record(actor=clerk, vote=vote, code=e4.paper_code, choice="agree")
            accepted.append(clerk.pk)
        except ServiceError:
            pass
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=((clerk1, clerk2)[i % 2],)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(accepted) == 2
    assert PaperEntry.objects.filter(elector=e4).count() == 2
    assert Ballot.objects.filter(elector=e4).count() == 1
