"""``python manage.py audit_signing_key``: show (export) or rotate the checkpoint signing key."""

from django.core.management.base import BaseCommand, CommandError

from linli.audit import signing


class Command(BaseCommand):
    help = "导出审计检查点签名公钥（供第三方核对），或轮换签名密钥"

    def add_arguments(self, parser):
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="停用当前密钥（保留其公钥以核对旧检查点，销毁私钥）并生成新密钥",
        )

    def handle(self, *args, **options):
        if options["rotate"]:
            try:
                old, new = signing.rotate()
            except signing.SigningKeyMissing as exc:
                raise CommandError(str(exc)) from exc
            self.stderr.write(
                f"已停用密钥 {old}（公钥保存在 {signing.retired_dir()}），新密钥 {new}"
            )
        public = signing.private_key().public_key()
        self.stderr.write(f"密钥指纹 {signing.key_id(public)}，私钥文件 {signing.key_path()}")
        self.stdout.write(signing.public_key_pem(public), ending="")
