"""Create a demonstration conversation from a Pol.is openData folder."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from linli.core.errors import ServiceError
from linli.opinions.services import conversation_analyze, conversation_seed
from linli.places.models import Committee


class Command(BaseCommand):
    help = "由 Pol.is openData 文件夹生成一个演示用议题征询（观点、虚拟参与者、投票）"

    def add_arguments(self, parser):
        parser.add_argument("--committee", type=int, required=True, help="居委会 id")
        parser.add_argument("--folder", required=True, help="openData 文件夹（含 votes.csv）")
        parser.add_argument("--topic", default="", help="议题（默认取 summary.csv 的 topic）")
        parser.add_argument(
            "--no-analyze", action="store_true", help="只导入数据，不预先计算观点群组"
        )

    def handle(self, *args, committee: int, folder: str, topic: str, no_analyze: bool, **kw):
        com = Committee.objects.filter(pk=committee).first()
        if com is None:
            raise CommandError(f"居委会 {committee} 不存在")
        from linli.opinions.models import Conversation

        existed = Conversation.objects.filter(
            committee=com, source__endswith=":" + folder.rstrip("/").rsplit("/", 1)[-1]
        ).exists()
        try:
            conv = conversation_seed(actor=None, committee=com, folder=folder, topic=topic)
            if not no_analyze:
                row = conversation_analyze(actor=None, conversation=conv, force=True)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        msg = (
            f"{'已存在' if existed else '已创建'}议题征询 {conv.pk}「{conv.topic}」：{conv.statements.count()} 条观点，"
            f"{conv.participants.count()} 位参与者"
        )
        if not no_analyze:
            msg += f"，{len(row.data['groups'])} 个观点群组"
        self.stdout.write(msg)
