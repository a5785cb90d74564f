"""Settings work on a fresh clone, where the ignored db/ folder does not exist yet."""

import sqlite3

from linli.settings import default_sqlite_url


def test_default_database_folder_is_created_on_a_fresh_clone(tmp_path):
    url = default_sqlite_url(tmp_path)
    path = url.removeprefix("sqlite:///")
    assert (tmp_path / "db").is_dir()
    sqlite3.connect(path).execute("create table t (x)")  # the file can be created
