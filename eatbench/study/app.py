"""``eatbench study serve``: the participants' web app (Starlette on uvicorn; the data in SQLite).

Why Starlette and uvicorn: a small ASGI toolkit whose only dependency (anyio) and whose server's
(h11, click) are already installed with the project; ``FileResponse`` answers HTTP Range requests,
which browsers need to play and seek videos; plain (sync) endpoints run in a thread pool, each with
its own SQLite connection, so the database code stays ordinary ``sqlite3`` under WAL.

Pages:

- ``GET /``: consent and an anonymous id (a double-submit CSRF token: a cookie and a hidden field);
  a participant who comes back with the cookie goes straight to their page;
- ``POST /join`` → ``/p/<token>``: the participant's private link (also set as a cookie, so closing
  the tab and opening the study again resumes);
- ``GET /p/<token>``: the next unanswered item: the video (scoring stays disabled until it has played
  through), then the emotion vote and/or the 1-10 sliders; ``POST /p/<token>/answer`` stores one item
  (the participant's CSRF token checked; a repeated submit is a no-op) and redirects (POST/redirect/GET);
- ``GET /media/<name>``: only names the study's items use;
- ``GET /admin?token=…``: progress per participant, attention checks, balance; ``/admin/ratings.csv``
  the export. The admin token is made at start and printed.
"""

from __future__ import annotations

import csv
import hmac
import io
import re
import secrets
from pathlib import Path
from typing import Any

from eatbench.clip import EMOTIONS
from eatbench.errors import InputError
from eatbench.study.db import EXPORT_COLUMNS, StudyDB, attention, export_rows, questions
from eatbench.study.design import DESIGNS, PROMPTS

HERE = Path(__file__).resolve().parent
COOKIE = "eatbench_study"
CSRF_COOKIE = "eatbench_csrf"
ANON_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
MAX_AGE = 60 * 60 * 24 * 30


def make_app(folder: Path, admin_token: str):
    """The ASGI app serving the study in ``folder``."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    StudyDB(folder).close()  # fail now, not at the first request, when there is no study
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))

    def page(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        html = env.get_template(name).render(**ctx)
        return HTMLResponse(html, status, headers={"Cache-Control": "no-store"})

    def db() -> StudyDB:
        return StudyDB(folder)

    def welcome(request: Request) -> Response:
        d = db()
        try:
            token = request.cookies.get(COOKIE)
            if token and d.participant(token) is not None:
                return RedirectResponse(f"/p/{token}", 303)
            csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(18)
            resp = page("welcome.html", meta=d.meta(), csrf=csrf, error="", suggestion=f"p-{secrets.token_hex(3)}")
            resp.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", max_age=MAX_AGE)
            return resp
        finally:
            d.close()

    async def join(request: Request) -> Response:
        form = dict(await request.form())
        return await run_in_threadpool(_join, request, form)  # SQLite may wait for a lock: off the event loop

    def _join(request: Request, form: dict[str, Any]) -> Response:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie, str(form.get("csrf", ""))):
            return Response("invalid form token; reload the page", 403)
        d = db()
        try:
            anon = str(form.get("anon_id", "")).strip()
            error = ""
            if form.get("consent") != "yes":
                error = "Please tick the consent box to take part."
            elif not ANON_ID.match(anon):
                error = "The id must be 1-40 letters, digits, '-' or '_'."
            if not error:
                try:
                    token = d.join(anon)
                except InputError as err:
                    error = str(err)
            if error:
                return page("welcome.html", 400, meta=d.meta(), csrf=cookie, error=error, suggestion=anon)
            resp = RedirectResponse(f"/p/{token}", 303)
            resp.set_cookie(COOKIE, token, httponly=True, samesite="strict", max_age=MAX_AGE)
            return resp
        finally:
            d.close()

    def participant_page(request: Request) -> Response:
        token = request.path_params["token"]
        d = db()
        try:
            p = d.participant(token)
            if p is None:
                return page("message.html", 404, title="Unknown link", text="This study link is not valid.")
            meta = d.meta()
            todo = [i for i in range(len(p["schedule"])) if i not in p["done"]]
            if not todo:
                return page("done.html", meta=meta, p=p)
            position = todo[0]
            entry = p["schedule"][position]
            item = d.items()[entry.item_id]
            resp = page(
                "item.html",
                meta=meta,
                p=p,
                position=position,
                total=len(p["schedule"]),
                answered=len(p["done"]),
                video=f"/media/{item['media']}",
                reference=f"/media/{item['reference']}" if item["reference"] else "",
                questions=[(q, PROMPTS[q]) for q in DESIGNS[meta["design"]]],
                emotions=EMOTIONS,
                link=str(request.url_for("participant", token=token)),
            )
            resp.set_cookie(COOKIE, token, httponly=True, samesite="strict", max_age=MAX_AGE)
            return resp
        finally:
            d.close()

    async def answer(request: Request) -> Response:
        form = dict(await request.form())
        return await run_in_threadpool(_answer, request.path_params["token"], form)

    def _answer(token: str, form: dict[str, Any]) -> Response:
        d = db()
        try:
            p = d.participant(token)
            if p is None:
                return Response("unknown participant", 404)
            if not hmac.compare_digest(p["csrf"], str(form.get("csrf", ""))):
                return Response("invalid form token; reload the page", 403)
            try:
                position = int(form.get("position", -1))
            except ValueError:
                position = -1
            if not 0 <= position < len(p["schedule"]):
                return Response("no such item", 400)
            entry = p["schedule"][position]
            answers: dict[str, tuple[int | None, str | None]] = {}
            for q in questions(d):
                if q == "tend":
                    choice = str(form.get("tend", ""))
                    if choice not in EMOTIONS:
                        return Response("choose one of the 8 emotions", 400)
                    answers[q] = (None, choice)
                else:
                    try:
                        score = int(form.get(q, ""))
                    except ValueError:
                        return Response(f"{q}: a score 1-10 is needed", 400)
                    if not 1 <= score <= 10:
                        return Response(f"{q}: a score 1-10 is needed", 400)
                    answers[q] = (score, None)
            d.answer(token, position, entry.item_id, entry.check, answers)
            return RedirectResponse(f"/p/{token}", 303)
        finally:
            d.close()

    def media_file(request: Request) -> Response:
        d = db()
        try:
            path = d.media_file(request.path_params["name"])
        finally:
            d.close()
        if path is None or not path.is_file():
            return Response("not found", 404)
        return FileResponse(path)

    def _admin_ok(request: Request) -> bool:
        return hmac.compare_digest(request.query_params.get("token", ""), admin_token)

    def admin(request: Request) -> Response:
        if not _admin_ok(request):
            return Response("admin token required (printed when the server started)", 403)
        d = db()
        try:
            items = d.items()
            seen: dict[tuple[str, str], int] = {}
            first = questions(d)[0]  # one answer per item counts as seen
            for a in d.answers():
                it = items[a["item_id"]]
                if not a["check_kind"] and a["question"] == first:
                    seen[(it["method"], it["emotion"])] = seen.get((it["method"], it["emotion"]), 0) + 1
            return page(
                "admin.html", meta=d.meta(), checks=attention(d), seen=seen, token=admin_token, emotions=EMOTIONS
            )
        finally:
            d.close()

    def admin_csv(request: Request) -> Response:
        if not _admin_ok(request):
            return Response("admin token required", 403)
        d = db()
        try:
            return Response(ratings_csv(d), media_type="text/csv")
        finally:
            d.close()

    routes = [
        Route("/", welcome),
        Route("/join", join, methods=["POST"]),
        Route("/p/{token}", participant_page, name="participant"),
        Route("/p/{token}/answer", answer, methods=["POST"]),
        Route("/media/{name}", media_file),
        Route("/admin", admin),
        Route("/admin/ratings.csv", admin_csv),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(routes=routes)


def ratings_csv(db: StudyDB) -> str:
    """The export as CSV text (the format ``eatbench study import`` reads, plus a ``choice`` column)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(export_rows(db))
    return buf.getvalue()


class Server:
    """uvicorn serving the study in a background thread (tests) or the foreground (the command)."""

    def __init__(self, folder: Path, host: str = "127.0.0.1", port: int = 8000, admin_token: str | None = None):
        import uvicorn

        self.admin_token = admin_token or secrets.token_urlsafe(16)
        self.folder = Path(folder)
        self.app = make_app(self.folder, self.admin_token)
        config = uvicorn.Config(self.app, host=host, port=port, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.host = host
        self._thread = None

    @property
    def port(self) -> int:
        return self.server.servers[0].sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def run(self) -> None:
        self.server.run()

    def start(self) -> Server:
        import threading
        import time

        self._thread = threading.Thread(target=self.server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the study server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
