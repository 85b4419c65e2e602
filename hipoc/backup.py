"""Back up and restore HIPOC's database while it runs: pg_dump / pg_restore for PostgreSQL, SQLite's online
backup API for SQLite.

    python -m hipoc.backup create [FILE]     # prints the file written
    python -m hipoc.backup restore FILE

A restore replaces every table's contents with the backup's, in one transaction on PostgreSQL.
"""

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message says why."""


def database() -> dict:
    return settings.DATABASES["default"]


def is_postgres() -> bool:
    return database()["ENGINE"].endswith("postgresql")


def postgres_environment() -> tuple[list[str], dict[str, str]]:
    """Connection options for the PostgreSQL client tools, the password in their environment."""
    db = database()
    options = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        options += ["--host", db["HOST"]]
    if db.get("PORT"):
        options += ["--port", str(db["PORT"])]
    if db.get("USER"):
        options += ["--username", db["USER"]]
    environment = {**os.environ}
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = db["PASSWORD"]
    return options, environment


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def default_path() -> Path:
    folder = Path(os.environ.get("BACKUP_DIR", settings.BASE_DIR / "backups"))
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "dump" if is_postgres() else "sqlite3"
    return folder / f"hipoc-{timezone.now():%Y%m%dT%H%M%S}.{suffix}"


def backup_create(path: Path | None = None) -> Path:
    path = Path(path) if path else default_path()
    if is_postgres():
        options, environment = postgres_environment()
        result = subprocess.run(  # noqa: S603 - a fixed tool and options from the settings
            [tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), *options],
            env=environment,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return path
    source = sqlite3.connect(database()["NAME"])
    target = sqlite3.connect(path)
    try:
        with target:
            source.backup(target)  # consistent even while others write
    finally:
        target.close()
        source.close()
    return path


def backup_restore(path: Path) -> None:
    """Replace the database's contents with the backup's, then empty the shared cache, whose published-run
    pointers and rendered bodies described the data replaced."""
    _restore_database(Path(path))
    cache.clear()


def _restore_database(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    connections.close_all()
    if is_postgres():
        options, environment = postgres_environment()
        result = subprocess.run(  # noqa: S603 - a fixed tool and options from the settings
            [tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", *options, str(path)],
            env=environment,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        return
    source = sqlite3.connect(path)
    try:
        try:
            tables = source.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not a SQLite database: {error}.") from error
        if not tables:
            raise BackupError(f"{path} holds no tables.")
        target = sqlite3.connect(database()["NAME"])
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hipoc.settings.local")
    import django

    django.setup()
    parser = argparse.ArgumentParser(prog="python -m hipoc.backup", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="write a backup and print its path")
    create.add_argument("file", nargs="?", type=Path)
    restore = commands.add_parser("restore", help="replace the database's contents with a backup")
    restore.add_argument("file", type=Path)
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "create":
            print(backup_create(arguments.file))
        else:
            backup_restore(arguments.file)
            print(f"Restored {arguments.file}")
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
