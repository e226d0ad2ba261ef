"""The web pages of ``handouts serve``: the index, a document, the print desk.

Thin: each route reads the engine's state (engine.py) or hands the form to the desk
(desk.py) and renders a template of ``web/``. Files are served by name from the
engine's catalogue and the images folder only: no route takes a path to open.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
from jinja2 import Environment, PackageLoader, select_autoescape
from sse_starlette import EventSourceResponse
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from handouts import __version__
from handouts.i18n import language_name
from handouts.preview.access import Access, AccessMiddleware
from handouts.preview.desk import (
    APPOINTMENT_ROWS,
    CARE_ROWS,
    INSTRUCTION_ROWS,
    Desk,
    Refusal,
)
from handouts.preview.engine import Preview

MAX_FORM_BYTES = 64 * 1024  # a plan is a few KB; more is not a plan
WEB = Path(__file__).parent / "web"
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",  # no-referrer would make a form's Origin "null"
    "x-frame-options": "DENY",
    "content-security-policy": (
        "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
        "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
}

_env = Environment(
    loader=PackageLoader("handouts.preview", "web"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def preview_app(preview: Preview, access: Access | None = None, *, watch: bool = True) -> Starlette:
    """The ASGI app over a preview; ``watch`` starts the file watcher with it.
    ``access`` None: loopback clients only (``Access.for_host``)."""
    access = access or Access(token=None)
    desk = Desk()
    csrf = secrets.token_urlsafe(32)  # for this run of the server: in every form

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = _env.get_template(name).render(
            version=__version__, state=preview.state, problems=preview.problems, **context
        )
        return HTMLResponse(html, status, headers=SECURITY_HEADERS)

    async def index(request: Request) -> Response:
        docs = preview.documents()
        chosen = {k: request.query_params.get(k, "") for k in ("brand", "lang", "edition")}
        shown = [
            d
            for d in docs
            if chosen["brand"] in ("", d.job.brand)
            and chosen["lang"] in ("", d.job.lang)
            and chosen["edition"] in ("", d.job.edition)
        ]
        choices = {
            "brand": sorted({d.job.brand for d in docs}),
            "lang": sorted({d.job.lang for d in docs}),
            "edition": sorted({d.job.edition for d in docs}),
        }
        return page("index.html.j2", docs=shown, total=len(docs), chosen=chosen, choices=choices)

    async def document(request: Request) -> Response:
        key = request.path_params["key"]
        if preview.document(key) is None:
            return _missing()
        await anyio.to_thread.run_sync(preview.ensure_images, key)
        doc = preview.document(key)
        return page("document.html.j2", doc=doc, data=json.dumps(doc.event() if doc else {}))

    async def pdf(request: Request) -> Response:
        path = preview.pdf_path(request.path_params["key"])
        if path is None:
            return _missing()
        return FileResponse(
            path, media_type="application/pdf", content_disposition_type="inline",
            filename=path.name, headers={**SECURITY_HEADERS, "cache-control": "no-cache"},
        )  # fmt: skip

    async def image(request: Request) -> Response:
        path = preview.images.path(request.path_params["name"])
        if path is None:
            return _missing()
        # Named by content: the same name is the same picture, for good.
        headers = {**SECURITY_HEADERS, "cache-control": "public, max-age=31536000, immutable"}
        return FileResponse(path, media_type="image/png", headers=headers)

    async def events(request: Request) -> Response:
        key = request.query_params.get("doc") or None
        if key is not None and preview.document(key) is None:
            return _missing()
        loop = asyncio.get_running_loop()

        async def stream() -> AsyncIterator[dict[str, str]]:
            with preview.following(loop, key) as listener:
                yield {"event": "status", "data": json.dumps(preview.state)}
                if key is not None and (doc := preview.document(key)) is not None:
                    # Anything that changed between the page and this stream.
                    yield {"event": "document", "data": json.dumps(doc.event())}
                while True:
                    event = await listener.queue.get()
                    yield {"event": event["type"], "data": json.dumps(event)}

        return EventSourceResponse(stream(), ping=15, headers={"cache-control": "no-store"})

    def desk_page(
        values: dict[str, str], refusal: Refusal | None = None, status: int = 200
    ) -> HTMLResponse:
        project = preview.project
        conditions = (
            [(c.id, c.name) for c in project.ordered_conditions(project.languages()[0])]
            if project
            else []
        )
        response = page(
            "desk.html.j2", status, project=project, values=values, refusal=refusal,
            conditions=conditions, csrf=csrf,
            brands=[(b, b) for b in sorted(project.brands)] if project else [],
            languages=[(lang, language_name(lang)) for lang in project.languages()]
            if project else [],
            rows={"appointment": APPOINTMENT_ROWS, "care": CARE_ROWS,
                  "instruction": INSTRUCTION_ROWS},
        )  # fmt: skip
        response.headers["cache-control"] = "no-store"  # it may hold a patient's plan
        return response

    async def desk_form(request: Request) -> Response:
        project = preview.project
        values = {"prepared_on": dt.date.today().isoformat(), "lang": "en", "edition": "standard"}
        if project is not None:
            values["brand"] = project.default_brands()[0]
        return desk_page(values)

    async def desk_post(request: Request) -> Response:
        if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
            return PlainTextResponse("the form is too large", 413)
        if not _same_origin(request):
            return PlainTextResponse("refused: the form was sent from another site", 403)
        form = await request.form(max_files=0, max_fields=200, max_part_size=MAX_FORM_BYTES)
        given = form.get("csrf")
        if not isinstance(given, str) or not secrets.compare_digest(given, csrf):
            return PlainTextResponse(
                "refused: the form is out of date (the server restarted): reload the page", 403
            )
        values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        project, generation = preview.project, preview.generation
        if project is None:
            return desk_page(values, Refusal([("", "the project does not load")]), 503)
        checked = desk.check(values)
        if isinstance(checked, Refusal):
            return desk_page(values, checked, 422)
        made = await anyio.to_thread.run_sync(desk.pdf, project, generation, checked)
        if isinstance(made, Refusal):
            return desk_page(values, made, 422)
        headers = {
            **SECURITY_HEADERS,
            "cache-control": "no-store",
            # Says what it is, not whose: a saved copy is named like every other.
            "content-disposition": 'inline; filename="ivig-plan.pdf"',
        }
        return Response(made, media_type="application/pdf", headers=headers)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The catalogue before the first build, so the index lists every document at once.
        await anyio.to_thread.run_sync(preview.load)
        preview.start()
        stop = asyncio.Event()
        watcher = None
        if watch:
            from handouts.preview.watch import watch_inputs

            watcher = asyncio.create_task(watch_inputs(preview, stop))
        try:
            yield
        finally:
            stop.set()
            if watcher is not None:
                watcher.cancel()
            await anyio.to_thread.run_sync(preview.stop)

    routes = [
        Route("/", index),
        Route("/doc/{key:path}", document),
        Route("/pdf/{key:path}.pdf", pdf),
        Route("/img/{name}.png", image),
        Route("/events", events),
        Route("/desk", desk_form, methods=["GET"]),
        Route("/desk", desk_post, methods=["POST"]),
        Mount("/static", StaticFiles(directory=WEB / "static"), name="static"),
    ]
    middleware = [Middleware(AccessMiddleware, access=access)]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def _missing() -> Response:
    return PlainTextResponse("not found", 404, headers=SECURITY_HEADERS)


def _same_origin(request: Request) -> bool:
    """A browser names the page a form was sent from: it must be one of ours."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser, or an old one: the form's token still has to match
    return urlsplit(origin).netloc == request.headers.get("host", "")
