"""``python manage.py demo_district``: build the demo district 杨浦区 (see docs/demo.md)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from linli.demo import data
from linli.demo.builder import SCALES, DemoBuilder, DemoExists, demo_reset
from linli.demo.logins import existing_logins, format_table


class Command(BaseCommand):
    help = (
        "建设演示区“杨浦区”：12个街道、291个居委会，一个街道（四平路街道）及六个案例居委会的详细名册，"
        "案例项目和每种角色的演示账号。已存在时跳过；--reset 删除后重建。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=SCALES,
            default="default",
            help="small：只详细建设六个案例居委会（每个约240人，测试用）；default：四平路街道全部居委会"
            "和六个案例居委会按种子规模详细建设；full：291个居委会全部按种子规模（约124万居民）",
        )
        parser.add_argument("--reset", action="store_true", help="先删除已有的演示区再重建")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认2026）")
        parser.add_argument(
            "--residents",
            type=int,
            default=None,
            help="按全区这么多居民计算每个详细居委会的规模（默认按种子：1,240,000）",
        )
        parser.add_argument("--batch-size", type=int, default=2000, help="bulk_create 每批行数")

    def handle(self, *args, **opts):
        verbosity = opts["verbosity"]
        if opts["reset"]:
            t = time.monotonic()
            deleted = demo_reset(out=self.stdout, progress=verbosity > 0)
            if deleted:
                self.stdout.write(f"已删除旧演示区（{time.monotonic() - t:.1f}s）")
        builder = DemoBuilder(
            scale=opts["scale"],
            seed=opts["seed"],
            batch_size=opts["batch_size"],
            residents=opts["residents"],
            out=self.stdout,
            progress=verbosity > 0,
        )
        try:
            summary = builder.build()
        except DemoExists:
            from linli.audit.models import AuditEvent
            from linli.places.models import District

            district = District.objects.get(name=data.DISTRICT_NAME)
            complete = AuditEvent.objects.filter(
                action="demo.build", object_type="places.district", object_id=str(district.pk)
            ).exists()
            if not complete:
                raise CommandError(
                    f"“{data.DISTRICT_NAME}”已存在但演示数据不完整（上次建设中断或并非演示数据），"
                    "请用 --reset 重建"
                ) from None
            self.stdout.write(
                self.style.WARNING(f"演示区“{data.DISTRICT_NAME}”已存在，跳过（用 --reset 重建）。")
            )
            self.stdout.write(format_table(existing_logins()))
            return
        except Exception as exc:  # pragma: no cover - reported to the operator
            raise CommandError(f"演示区建设失败：{exc}") from exc
        c = summary["counts"]
        over60 = c.get("residents_60_plus", 0) / max(1, c.get("residents", 1))
        self.stdout.write(
            self.style.SUCCESS(
                f"演示区建成（{summary['scale']}，{summary['database']}）：用时 {summary['seconds']}s "
                f"（名册 {summary['registry_seconds']}s）"
            )
        )
        self.stdout.write(
            f"街道 {c['streets']} · 居委会 {c['committees']} · 小区 {c.get('compounds', 0):,} · "
            f"楼栋 {c.get('buildings', 0):,} · 户室 {c.get('flats', 0):,} · 住户 {c.get('households', 0):,} · "
            f"居民 {c.get('residents', 0):,}（60岁以上 {over60:.1%}） · 人员 {c.get('persons', 0):,} · "
            f"产权 {c.get('ownerships', 0):,} · 小微空间 {c.get('microspaces', 0):,} · "
            f"公共设施 {c.get('facilities', 0):,} · 项目 {summary['projects']}"
        )
        self.stdout.write("")
        self.stdout.write(f"演示账号（统一密码 {data.DEMO_PASSWORD}）：")
        self.stdout.write(format_table(builder.logins))
