"""Reminders due now (meetings within 24 h, votes' last day, patrol shifts today and
tomorrow) and SMS / WeChat messages held back overnight. Idempotent: run it from cron,
e.g. every 15 minutes: ``*/15 * * * * cd /srv/linli && .venv/bin/python manage.py
send_due_reminders``."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from linli.notifications.reminders import send_due_reminders


class Command(BaseCommand):
    help = "发送到期提醒（会议、表决最后一天、巡查值班），并补发夜间暂缓的短信和微信"

    def handle(self, *args, **options):
        c = send_due_reminders()
        self.stdout.write(
            f"会议 {c.meetings} 个，表决 {c.votes} 个，值班 {c.patrols} 班；"
            f"新消息 {c.messages} 条，发出短信/微信 {c.sent} 条"
        )
