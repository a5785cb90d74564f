"""Signed checkpoints: a rewrite or a truncation by someone who owns the database is named."""

import io
import os
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from linli.audit import guard, signing
from linli.audit.checkpoints import Checkpoint, checkpoint_chain, checkpoint_text
from linli.audit.models import AuditCheckpoint, AuditEvent
from linli.audit.selectors import audit_chain_verify
from linli.audit.services import audit_record
from tests.audit.dba import rewrite_and_rechain, truncate_tail
from tests.voting.conftest import estate, owners_vote  # noqa: F401  (fixtures)


def _chain(world, n=6):
    for i in range(n):
        audit_record(
            actor=world.users.staff_a,
            action="test.payment",
            obj=world.compound_a,
            after={"fen": 1000 * (i + 1)},
        )
    return f"committee:{world.committee_a.pk}"


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_signing_key_lives_in_a_private_file_and_the_public_key_exports(world, settings):
    chain = _chain(world)
    cp = checkpoint_chain(chain, reason="test")
    path = signing.key_path()
    assert str(path) == settings.LINLI_AUDIT_SIGNING_KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    pem = path.read_text()
    assert "PRIVATE KEY" in pem
    assert pem not in str(list(AuditCheckpoint.objects.values()))
    public_pem, err = _run("audit_signing_key")
    assert "PUBLIC KEY" in public_pem and "PRIVATE" not in public_pem
    assert cp.key_id in err
    assert signing.key_id(signing.load_public_key(public_pem)) == cp.key_id


def test_a_printed_checkpoint_verifies_and_an_altered_one_does_not(world, tmp_path):
    chain = _chain(world)
    out, _ = _run("audit_checkpoint", "--chain", chain, "--print")
    assert "LINLI-AUDIT-CHECKPOINT v1" in out and f"chain: {chain}" in out
    assert "开鲁新村第一居委会" in out  # the notice-board title names the committee
    printed = tmp_path / "board.txt"
    printed.write_text(out)
    ok, _ = _run("audit_checkpoint_verify", str(printed))
    assert "签名成立，数据库中的审计链与之相符" in ok

    # a third party holding only the public key checks the signature offline
    public = tmp_path / "linli.pub.pem"
    public.write_text(_run("audit_signing_key")[0])
    ok, _ = _run(
        "audit_checkpoint_verify", str(printed), "--public-key", str(public), "--signature-only"
    )
    assert "签名成立" in ok

    altered = tmp_path / "altered.txt"
    n = AuditEvent.objects.filter(chain=chain).count()
    assert f"count: {n}\n" in out
    altered.write_text(out.replace(f"count: {n}\n", f"count: {n - 2}\n"))
    with pytest.raises(CommandError, match="签名不成立"):
        _run("audit_checkpoint_verify", str(altered))

    garbage = tmp_path / "garbage.txt"
    garbage.write_text("你好\n")
    with pytest.raises(CommandError, match="检查点文本应以"):
        _run("audit_checkpoint_verify", str(garbage))


def test_a_rewritten_event_with_recomputed_hashes_is_named(world, tmp_path):
    chain = _chain(world)
    board = tmp_path / "board.txt"
    board.write_text(checkpoint_text(Checkpoint.of(checkpoint_chain(chain, reason="daily"))))
    victim = AuditEvent.objects.filter(chain=chain, action="test.payment").order_by("seq")[2]
    rewrite_and_rechain(victim, after={"fen": 1})
    assert AuditEvent.objects.get(pk=victim.pk).after == {"fen": 1}

    with pytest.raises(CommandError, match=f"审计链 {chain} 被改写：第 \\d+ 条事件"):
        _run("verify_audit")
    # every link holds again: once the stored checkpoints are gone too, the chain alone passes
    with guard.lifted(connection):
        AuditCheckpoint.objects.all().delete()
    assert audit_chain_verify().ok
    # ... and the copy on the notice board still names the rewrite
    with pytest.raises(CommandError, match="被改写"):
        _run("verify_audit", "--checkpoints", str(board))
    with pytest.raises(CommandError, match="被改写"):
        _run("audit_checkpoint_verify", str(board))


def test_a_truncated_tail_with_the_head_stepped_back_is_named(world):
    chain = _chain(world)
    checkpoint_chain(chain, reason="daily")
    n = AuditEvent.objects.filter(chain=chain).count()
    truncate_tail(chain, 2)
    assert audit_chain_verify().reason.startswith(f"审计链 {chain} 被截断")
    with pytest.raises(
        CommandError,
        match=f"被截断：现有 {n - 2} 条事件，少于签名检查点 #\\d+（{chain}，.*第 {n} 条）",
    ):
        _run("verify_audit")


def test_a_checkpoint_kept_outside_the_database_catches_what_the_database_hides(world, tmp_path):
    chain = _chain(world)
    kept = tmp_path / "kept.txt"
    _run("audit_checkpoint", "--chain", chain, "--append", str(kept))
    # the database owner truncates the chain and removes the checkpoints stored in it
    truncate_tail(chain, 3)
    with guard.lifted(connection):
        AuditCheckpoint.objects.all().delete()
    _run("verify_audit")  # nothing left inside the database to contradict the chain
    with pytest.raises(CommandError, match="被截断"):
        _run("verify_audit", "--checkpoints", str(kept))
    with pytest.raises(CommandError, match="被截断"):
        _run("audit_checkpoint_verify", str(kept))


def test_a_checkpoint_forged_in_the_database_is_refused(world, tmp_path, settings):
    chain = _chain(world)
    victim = AuditEvent.objects.filter(chain=chain, action="test.payment").order_by("seq")[0]
    checkpoint_chain(chain)
    rewrite_and_rechain(victim, after={"fen": 1})
    # the rogue DBA signs the rewritten head with a key of their own
    real = settings.LINLI_AUDIT_SIGNING_KEY_FILE
    settings.LINLI_AUDIT_SIGNING_KEY_FILE = str(tmp_path / "rogue.pem")
    forged = checkpoint_chain(chain)
    settings.LINLI_AUDIT_SIGNING_KEY_FILE = real
    with pytest.raises(CommandError, match=f"#{forged.pk}（.*由未知密钥"):
        _run("verify_audit")


def test_daily_command_signs_only_chains_that_grew(world):
    chain = _chain(world, 2)
    out, _ = _run("audit_checkpoint")
    made = AuditCheckpoint.objects.count()
    assert f"已签署 {made} 个检查点" in out and made >= 2  # committee A, B and the platform
    assert _run("audit_checkpoint")[0].startswith("已签署 0 个检查点")
    audit_record(actor=None, action="test.more", obj=world.compound_a)
    _run("audit_checkpoint")
    assert list(AuditCheckpoint.objects.filter(id__gt=0).values_list("chain", flat=True))[
        made:
    ] == [chain]
    ok, _ = _run("verify_audit")
    assert (
        f"与 {len(set(AuditCheckpoint.objects.values_list('chain', flat=True)))} 个签名检查点相符"
        in ok
    )


def test_closing_a_vote_publishes_a_checkpoint_of_its_committee(
    estate,  # noqa: F811
    owners_vote,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from linli.voting import services as voting

    vote = owners_vote("278-9")
    voting.ballot_cast(
        actor=estate.users["A"], vote=vote, flat=estate.flats["F1"], choice="agree",
        idempotency_key="k1",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        voting.vote_close(actor=estate.world.users.staff_a, vote=vote, reason="测试")
    chain = f"committee:{estate.world.committee_a.pk}"
    cp = AuditCheckpoint.objects.get(reason=f"vote:{vote.pk}")
    close = AuditEvent.objects.get(action="vote.close")
    assert (cp.chain, cp.count, cp.head_hash) == (chain, close.seq, close.hash)
    assert audit_chain_verify().ok


def test_checkpoints_signed_before_a_key_rotation_still_verify(world, tmp_path):
    chain = _chain(world)
    old = checkpoint_chain(chain)
    _run("audit_signing_key", "--rotate")
    audit_record(actor=None, action="test.more", obj=world.compound_a)
    new = checkpoint_chain(chain)
    assert new.key_id != old.key_id
    assert not signing.key_path().read_text().count(old.key_id)
    ok, _ = _run("verify_audit")
    assert "审计链完好" in ok
    printed = tmp_path / "old.txt"
    printed.write_text(checkpoint_text(Checkpoint.of(old)))
    assert "签名成立" in _run("audit_checkpoint_verify", str(printed))[0]


def test_a_checkpoint_prints_as_a_qr_code(world, tmp_path):
    chain = _chain(world, 1)
    checkpoint_chain(chain)
    png = tmp_path / "qr.png"
    _run("audit_checkpoint", "--chain", chain, "--show", "--qr", str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(CommandError, match="二维码只能容纳一个检查点"):
        _run("audit_checkpoint", "--force", "--chain", chain, "--chain", "platform", "--qr", "-")
