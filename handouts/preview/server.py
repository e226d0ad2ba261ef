"""Running the preview server: the socket, Uvicorn, the address to open.

The socket is bound here rather than by Uvicorn, so that a port in use is one clear
line before anything starts, and ``--port 0`` (any free port) can be told to the user.
"""

from __future__ import annotations

import errno
import logging
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass

from handouts.errors import OptionError
from handouts.preview.access import Access, is_loopback
from handouts.preview.app import preview_app
from handouts.preview.engine import Preview, PreviewOptions


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None  # for a host other than loopback; None: one is made


def serve(
    preview_options: PreviewOptions,
    options: ServeOptions,
    *,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve until Ctrl-C. ``announce`` gets the address to open (with its token)."""
    _log_to_stderr()
    access = Access.for_host(options.host, options.token)
    sock = bind(options.host, options.port)
    port = sock.getsockname()[1]
    preview = Preview(preview_options)
    app = preview_app(preview, access)
    shown = f"[{options.host}]" if ":" in options.host else options.host
    address = f"http://{shown}:{port}/"
    if access.token:
        address += f"?token={access.token}"
    (announce or print)(address)

    import uvicorn

    config = uvicorn.Config(
        app,
        access_log=False,  # ours (access.py) never logs a query string or a body
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=2,  # open pages hold event streams: do not wait on them
        server_header=False,
    )
    uvicorn.Server(config).run(sockets=[sock])


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            message = f"{port} is in use: choose another (0: any free port)"
            raise OptionError("--port", message) from None
        if error.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT) or isinstance(
            error, socket.gaierror
        ):
            raise OptionError("--host", f"{host} is not an address of this computer") from None
        message = f"cannot listen on {host}:{port}: {error.strerror}"
        raise OptionError("--port", message) from None
    sock.listen(128)
    return sock


def _log_to_stderr() -> None:
    logger = logging.getLogger("handouts.serve")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


__all__ = ["ServeOptions", "bind", "is_loopback", "serve"]
