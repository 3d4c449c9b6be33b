"""The study server on 127.0.0.1: 20 participants answering at once lose nothing; forms need their
CSRF token; media and admin pages give nothing away; the export round-trips through `study import`."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from eatbench.report.study import parse_ratings_csv
from eatbench.report.tables import build_table
from eatbench.store import ResultsStore
from eatbench.study.app import Server, ratings_csv
from eatbench.study.db import StudyDB, attention

pytestmark = pytest.mark.slow


class Client:
    """A participant's browser without a browser: cookies, forms, redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str, str]:
        try:
            with self.opener.open(self.base + path, timeout=60) as r:
                return r.status, r.geturl(), r.read().decode(errors="replace")
        except urllib.error.HTTPError as err:
            return err.code, path, err.read().decode(errors="replace")

    def post(self, path: str, data: dict) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base + path, body, timeout=60) as r:
                return r.status, r.geturl(), r.read().decode(errors="replace")
        except urllib.error.HTTPError as err:
            return err.code, path, err.read().decode(errors="replace")


def _field(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def take_part(base: str, anon: str, scores: int = 7, step: int = 0) -> int:
    """Join and answer every item (question k scored ``scores - k * step``); returns the number answered."""
    c = Client(base)
    _, _, html = c.get("/")
    status, url, html = c.post("/join", {"csrf": _field(html, "csrf"), "consent": "yes", "anon_id": anon})
    assert status == 200 and "/p/" in url, html[:300]
    path = urllib.parse.urlparse(url).path
    answered = 0
    while 'id="done"' not in html:
        form = {"csrf": _field(html, "csrf"), "position": _field(html, "position")}
        form |= {q: scores - k * step for k, q in enumerate(("emo", "vis-q", "sync", "id-p"))}
        status, _, html = c.post(f"{path}/answer", form)
        assert status == 200, html[:300]
        answered += 1
    return answered


@pytest.fixture
def server(group2: Path, tmp_path: Path):
    import shutil

    folder = tmp_path / "study"
    shutil.copytree(group2, folder)  # each test starts from an empty study
    s = Server(folder, port=0).start()
    yield s
    s.stop()


def test_twenty_participants_at_once_lose_no_answer(server):
    results: dict[str, int | BaseException] = {}

    def one(i: int) -> None:
        try:
            results[f"p{i:02d}"] = take_part(server.url, f"p{i:02d}", scores=1 + i % 10)
        except BaseException as err:  # reported below
            results[f"p{i:02d}"] = err

    threads = [threading.Thread(target=one, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    errors = {k: v for k, v in results.items() if isinstance(v, BaseException)}
    assert not errors, errors
    db = StudyDB(server_folder(server))
    participants = db.participants()
    assert len(participants) == 20 and sorted(p["slot"] for p in participants) == list(range(20))
    for p in participants:
        assert len(p["done"]) == len(p["schedule"]) == results[p["anon_id"]]
    answers = db.answers()
    assert len(answers) == 4 * sum(len(p["schedule"]) for p in participants)
    # Every participant's scores arrived under their own id, untouched.
    for a in answers:
        assert a["score"] == 1 + int(a["anon_id"][1:]) % 10
    assert all(r["repeat"].startswith("max score difference 0") for r in attention(db))


def server_folder(server) -> Path:
    return Path(server.folder)


def test_forms_need_their_token_and_links_are_private(server, group2):
    c = Client(server.url)
    _, _, html = c.get("/")
    assert c.post("/join", {"csrf": "forged", "consent": "yes", "anon_id": "x"})[0] == 403
    status, _, page = c.post("/join", {"csrf": _field(html, "csrf"), "anon_id": "x"})
    assert status == 400 and "consent" in page  # no consent, no participant
    status, url, html = c.post("/join", {"csrf": _field(html, "csrf"), "consent": "yes", "anon_id": "x"})
    path = urllib.parse.urlparse(url).path
    form = {"csrf": "forged", "position": "0", "emo": 5, "vis-q": 5, "sync": 5, "id-p": 5}
    assert c.post(f"{path}/answer", form)[0] == 403
    assert c.post(f"{path}/answer", form | {"csrf": _field(html, "csrf"), "sync": 11})[0] == 400
    assert Client(server.url).get("/p/not-a-token")[0] == 404
    assert c.get("/media/..%2Fstudy.db")[0] == 404 and c.get("/media/study.db")[0] == 404
    video = re.search(r'src="(/media/[0-9a-f]+\.mp4)"', html).group(1)
    assert c.get(video)[0] == 200
    ranged = urllib.request.Request(server.url + video, headers={"Range": "bytes=0-99"})
    with c.opener.open(ranged, timeout=60) as r:  # browsers seek videos with range requests
        assert r.status == 206 and len(r.read()) == 100
    assert "static-frame" not in html and "shifted-audio" not in html  # method names hidden
    assert c.get("/admin")[0] == 403 and c.get("/admin?token=wrong")[0] == 403
    status, _, admin = c.get(f"/admin?token={server.admin_token}")
    assert status == 200 and "x" in admin and "0 / " in admin


def test_export_round_trips_into_table_iii(server, tmp_path):
    take_part(server.url, "alice", scores=8, step=1)  # emo 8, vis-q 7, sync 6, id-p 5
    take_part(server.url, "bob", scores=4, step=1)  # 4, 3, 2, 1
    text = ratings_csv(StudyDB(server_folder(server)))
    rows = parse_ratings_csv(text)
    store = ResultsStore(tmp_path / "results.db")
    store.put_ratings(rows, "export.csv")
    t = build_table(3, store, [], published=False)
    measured = {r.label: r.cells for r in t.rows if r.kind == "measured"}
    assert set(measured) == {"static-frame", "shifted-audio"}
    for cells in measured.values():
        assert cells[0].text.startswith("6.000") and cells[-1].text == "2"  # mean of 8 and 4; 2 participants
        # each question keeps its own scores through export, import and the table (none swapped)
        assert [c.text.split(" ")[0] for c in cells[:4]] == ["6.000", "5.000", "4.000", "3.000"]
