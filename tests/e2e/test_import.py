"""`baton import` as an operator runs it: a real process, real files, a real database."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.store.database import Database
from bot.store.models import Lead
from tests.support.policies import STANDARD

REPO = Path(__file__).resolve().parents[2]

SANSAN_STYLE = (
    "会社名,部署名,役職,氏名,メールアドレス,電話番号,スコア,セグメント,備考\n"
    "株式会社サンプル,情報システム部,部長,山田 太郎,yamada@sample.co.jp,03-1234-5678,85,enterprise,来期導入を検討\n"
    "サンプル商事株式会社,営業部,課長,鈴木 花子,ｓｕｚｕｋｉ＠ｓａｍｐｌｅ.jp,090-1111-2222,７２,,\n"
    "テスト工業株式会社,総務部,,佐藤 一郎,not-an-email,,150,,\n"
    "株式会社サンプル,情報システム部,部長,山田 太郎,yamada@sample.co.jp,03-1234-5678,85,enterprise,再送\n"
)
HUBSPOT_JA_STYLE = (
    "レコードID,名,姓,Eメール,会社名,役職,リードスコア\n"
    "501,太郎,山田,t.yamada@example.jp,株式会社サンプル,部長,90\n"
    "502,Aiko,Tanaka,aiko@example.com,Example KK,CTO,40\n"
)
ENGLISH = (
    "First Name,Last Name,Email,Company,Job Title,Lead Score,Segment,Notes\n"
    'Ken,Sato,ken.sato@example.com,Northwind Traders,VP Operations,88,enterprise,"Call after 3pm, not before"\n'
    "Mia,Chen,mia.chen@example.com,Contoso,Buyer,35,,\n"
)


def baton(
    *args: str, env: dict[str, str], stderr: int | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "BATON_", "DATABASE_URL"))
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", "import", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if stderr is None else stderr,
        text=True,
        env=full_env,
        cwd=REPO,
        timeout=120,
    )


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "baton.yml"
    path.write_text(STANDARD, encoding="utf-8")
    return path


def env_for(url: str, policy_file: Path) -> dict[str, str]:
    return {"DATABASE_URL": url, "BATON_CONFIG": str(policy_file)}


def leads(url: str) -> list[Lead]:
    db = Database(url)
    try:
        with db.read() as session:
            return list(session.scalars(select(Lead).order_by(Lead.id)))
    finally:
        db.dispose()


def test_shift_jis_export_from_a_japanese_crm(
    database_url: str, policy_file: Path, tmp_path: Path
) -> None:
    csv_file = tmp_path / "名刺一覧.csv"
    csv_file.write_bytes(SANSAN_STYLE.encode("cp932"))
    result = baton(str(csv_file), env=env_for(database_url, policy_file))
    assert result.returncode == 1, result.stderr  # one row was rejected
    out = result.stdout
    assert "Shift_JIS" in out
    assert "row 2: created lead #1 (route enterprise)" in out
    assert "row 3: created lead #2 (route default)" in out
    assert "row 4: rejected: メールアドレス: is not a valid email address" in out
    assert "スコア: must be between 0 and 100" in out
    assert "row 5: duplicate of lead #1" in out
    assert "4 rows: 2 created, 1 duplicate, 1 rejected." in out
    assert "Traceback" not in result.stderr
    yamada, suzuki = leads(database_url)
    assert (yamada.name, yamada.company, yamada.title) == ("山田 太郎", "株式会社サンプル", "部長")
    assert (yamada.email, yamada.phone, yamada.score) == (
        "yamada@sample.co.jp",
        "03-1234-5678",
        85.0,
    )
    assert yamada.extras == {"department": "情報システム部", "notes": "来期導入を検討"}
    assert (yamada.source, yamada.handed_off_by) == ("csv", "import")
    assert suzuki.email == "suzuki@sample.jp"  # full-width characters normalized
    assert suzuki.score == 72.0


def test_utf8_with_bom_and_split_japanese_names(policy_file: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bom.db'}"
    csv_file = tmp_path / "hubspot-export.csv"
    csv_file.write_bytes(HUBSPOT_JA_STYLE.encode("utf-8-sig"))
    result = baton(str(csv_file), "--source", "hubspot", env=env_for(url, policy_file))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "UTF-8 (BOM)" in result.stdout
    assert "レコードID → external_id" in result.stdout  # the BOM is not part of the first header
    yamada, tanaka = leads(url)
    assert (yamada.external_id, yamada.source, yamada.name) == ("501", "hubspot", "山田 太郎")
    assert (tanaka.name, tanaka.email, tanaka.score) == ("Aiko Tanaka", "aiko@example.com", 40.0)
    again = baton(str(csv_file), "--source", "hubspot", env=env_for(url, policy_file))
    assert again.returncode == 0
    assert "2 rows: 0 created, 2 duplicates, 0 rejected." in again.stdout
    assert len(leads(url)) == 2


def test_utf8_english_headers(policy_file: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'en.db'}"
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text(ENGLISH, encoding="utf-8")
    result = baton(str(csv_file), env=env_for(url, policy_file))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Reading leads.csv (UTF-8)." in result.stdout
    ken, mia = leads(url)
    assert (ken.name, ken.title, ken.segment, ken.route) == (
        "Ken Sato",
        "VP Operations",
        "enterprise",
        "enterprise",
    )
    assert ken.extras == {"notes": "Call after 3pm, not before"}
    assert (mia.name, mia.route) == ("Mia Chen", "default")


def test_dry_run_writes_nothing(policy_file: Path, tmp_path: Path) -> None:
    db_file = tmp_path / "dry.db"
    csv_file = tmp_path / "leads.csv"
    csv_file.write_bytes(SANSAN_STYLE.encode("cp932"))
    result = baton(str(csv_file), "--dry-run", env=env_for(f"sqlite:///{db_file}", policy_file))
    assert result.returncode == 1
    assert "row 2: valid (route enterprise)" in result.stdout
    assert "row 4: rejected" in result.stdout
    assert "nothing written (dry run): 3 valid, 1 rejected" in result.stdout
    assert not db_file.exists()


def test_map_overrides_and_unknown_columns(policy_file: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'map.db'}"
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text(
        "取引先,担当者,連絡先,担当営業,適当な列\n株式会社サンプル,山田 太郎,yamada@sample.co.jp,U0REP1,x\n",
        encoding="utf-8",
    )
    result = baton(
        str(csv_file),
        "--map",
        "取引先=company",
        "--map",
        "担当者=name",
        "--map",
        "連絡先=email",
        "--map",
        "担当営業=fields.owner",
        env=env_for(url, policy_file),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Not imported" in result.stdout and "適当な列" in result.stdout
    [lead] = leads(url)
    assert (lead.company, lead.name, lead.email) == (
        "株式会社サンプル",
        "山田 太郎",
        "yamada@sample.co.jp",
    )
    assert lead.extras == {"owner": "U0REP1"}


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\xff\xfe\x80\x81", (), "neither UTF-8 nor Shift_JIS"),
        (b"Company,Title\nExample KK,CTO\n", (), "no column holds a name or an email"),
        (b"", (), "no header row"),
        (ENGLISH.encode(), ("--map", "Nope=email"), 'no column "Nope"'),
        (ENGLISH.encode(), ("--map", "Email"), "COLUMN=FIELD"),
    ],
    ids=["binary", "no-identity", "empty", "unknown-column", "bad-map"],
)
def test_a_file_that_cannot_be_imported_says_why(
    policy_file: Path, tmp_path: Path, content: bytes, args: tuple[str, ...], message: str
) -> None:
    db_file = tmp_path / "bad.db"
    csv_file = tmp_path / "bad.csv"
    csv_file.write_bytes(content)
    result = baton(
        str(csv_file), *args, "--dry-run", env=env_for(f"sqlite:///{db_file}", policy_file)
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file(policy_file: Path, tmp_path: Path) -> None:
    result = baton(str(tmp_path / "nope.csv"), "--dry-run", env=env_for("sqlite://", policy_file))
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_progress_bar_only_on_a_terminal(policy_file: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text(ENGLISH, encoding="utf-8")
    env = env_for("sqlite://", policy_file)
    piped = baton(str(csv_file), "--dry-run", env=env)
    assert "%|" not in piped.stderr
    leader, follower = pty.openpty()
    # A new pty is 0x0; a terminal has a size, and tqdm draws nothing without one.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        on_tty = baton(str(csv_file), "--dry-run", env=env, stderr=follower)
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    assert on_tty.returncode == 0
    assert b"%|" in shown and b"rows" in shown
