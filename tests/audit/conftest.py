import pytest


@pytest.fixture(autouse=True)
def _audit_key_file(settings, tmp_path):
    """Each audit test signs with its own key file, never the installation's db/ key."""
    settings.LINLI_AUDIT_SIGNING_KEY_FILE = str(tmp_path / "keys" / "audit-signing-key.pem")
