"""Pluggable SMS senders. ``settings.LINLI_SMS_SENDER`` names the class to use."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("linli.sms")


class LogSmsSender:
    """Development sender: writes the message to the log instead of sending it."""

    def send(self, mobile: str, message: str) -> None:
        logger.info("短信 → %s：%s", mobile, message)


class MemorySmsSender:
    """Test sender: keeps messages in memory so tests can read the code."""

    outbox: list[tuple[str, str]] = []

    def send(self, mobile: str, message: str) -> None:
        MemorySmsSender.outbox.append((mobile, message))


def get_sender():
    return import_string(settings.LINLI_SMS_SENDER)()
