"""`palaute serve`: build the site, serve it and the API on 127.0.0.1, rebuild when specs change.

Everything AWS does has a one-machine stand-in behind the same port: `DirectoryManifests` for
the published manifests, `LocalQueue` (a committed SQLite write) for SQS plus the store worker,
`SQLiteStore` for DynamoDB. The server socket is bound before the first build, so the site is
built for the real port (links, QR codes) even when the port was 0 ("any free one").
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from functions.collect.handler import CollectDeps, handle
from functions.local.server import ApiHandler, LocalApp, LocalServer
from functions.manifest import Manifest, load_manifest
from functions.manifests import DirectoryManifests
from functions.queue import LocalQueue
from functions.sqlite_store import SQLiteStore

SITE_FOLDER = "site"


class ServeError(Exception):
    """Something the user can fix before serving (the port is taken, the address is wrong)."""


@dataclass(frozen=True)
class ServeOptions:
    specs: Path
    themes: Path
    data: Path
    host: str = "127.0.0.1"
    port: int = 8000
    watch: bool = True
    verbose: bool = False


def _report_handler(manifests: DirectoryManifests, store: SQLiteStore, data: Path) -> ApiHandler | None:
    """The report function in-process, if it is installed (it is a separate part of Palaute)."""
    try:
        from functions.report.delivery import InlineDelivery
        from functions.report.handler import ReportDeps
        from functions.report.handler import handle as report_handle
        from functions.tokens import SQLiteTokens
    except ImportError:
        return None
    deps = ReportDeps(manifests=manifests, store=store, tokens=SQLiteTokens.in_data_dir(data),
                      delivery=InlineDelivery())  # fmt: skip
    return lambda event: report_handle(event, None, deps)


class LocalService:
    """The server, its store and its site folder; `run()` serves until SIGTERM/SIGINT or `stop()`."""

    def __init__(self, options: ServeOptions, out: TextIO = sys.stdout) -> None:
        self.options = options
        self.out = out
        self.site = options.data / SITE_FOLDER
        self.site.mkdir(parents=True, exist_ok=True)
        self.store = SQLiteStore.in_data_dir(options.data)
        manifests = DirectoryManifests(self.site)
        collect = CollectDeps(manifests=manifests, queue=LocalQueue(self.store))
        app = LocalApp(self.site, lambda event: handle(event, None, collect),
                       _report_handler(manifests, self.store, options.data))  # fmt: skip
        try:
            self.server = LocalServer((options.host, options.port), app, log_requests=options.verbose)
        except OSError as err:
            self.store.close()
            raise ServeError(f"cannot listen on {options.host}:{options.port}: {err.strerror or err}") from err
        self.base_url = f"http://{options.host}:{self.server.port}"
        self._stop = threading.Event()
        self._build_lock = threading.Lock()
        self._watcher = threading.Thread(target=self._watch, name="palaute-watch", daemon=True)
        if not options.verbose:
            from functions.collect.handler import logger

            logger.setLevel("WARNING")

    def build(self) -> bool:
        """Build into `<data>/site`; prints every problem. True when at least one survey is servable."""
        from site_builder.build import build_site
        from site_builder.problems import BuildFailed

        with self._build_lock:
            try:
                result = build_site(self.options.specs, self.options.themes, self.site,
                                    base_url=self.base_url, api_url="")  # fmt: skip
            except BuildFailed as failure:
                problems = failure.problems
            else:
                problems = result.problems
                for survey in result.built:
                    print(f"built {survey}", file=self.out, flush=True)
        for problem in problems:
            print(f"error {problem}", file=self.out, flush=True)
        return bool(self.manifests())

    def manifests(self) -> list[Manifest]:
        return [load_manifest(path) for path in sorted(self.site.glob("*/form.json"))]

    def describe(self) -> None:
        """The survey links per language and touchpoint, QR code files and the report URL with a token."""
        from site_builder.qr import touchpoint_link

        issue = _token_issuer(self.options.data)

        def write(line: str) -> None:
            print(line, file=self.out, flush=True)

        write(f"Palaute is serving on {self.base_url}/ (Ctrl+C stops it)")
        for manifest in self.manifests():
            write(f"\n{manifest.id}: {manifest.title.get(manifest.default_language, '')}")
            for lang in manifest.languages:
                write(f"  {lang}: {self.base_url}/{manifest.id}/{lang}/")
            for tp in manifest.touchpoints:
                write(f"  touchpoint {tp.id}: {touchpoint_link(self.base_url, manifest.id, tp.id)}")
                write(f"    QR code: {self.site / manifest.id / 'qr' / f'{tp.id}.svg'}")
            write(f"  report: {self.base_url}/v1/surveys/{manifest.id}/report?format=html")
            if issue is not None:
                write(f"    token (new; earlier ones stop working): {issue(manifest.id)}")
                write("    send it as the header 'Authorization: Bearer <token>'")
        write(f"\nResponses are stored in {self.store.path}")

    def start_watching(self) -> None:
        if self.options.watch and not self._watcher.is_alive():
            self._watcher.start()

    def run(self) -> None:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self.stop())
        self.start_watching()
        watcher = self._watcher
        try:
            self.server.serve_forever(poll_interval=0.2)
        finally:
            self._stop.set()
            self.server.server_close()  # waits for requests in flight
            if watcher.is_alive():
                watcher.join(timeout=5)
            self.store.close()

    def stop(self) -> None:
        """Safe from a signal handler: `shutdown` waits for the serve loop, so it runs on its own thread."""
        self._stop.set()
        threading.Thread(target=self.server.shutdown, daemon=True).start()

    def _relevant(self, change: object, path: str) -> bool:
        """Specs (*.yaml) and theme files; not editors' swap and backup files or the build's temporaries."""
        name = Path(path).name
        if name.startswith((".", "~", "#")) or name.endswith(("~", ".swp", ".tmp")):
            return False
        in_specs = Path(path).resolve().is_relative_to(self.options.specs.resolve())
        return not in_specs or name.endswith((".yaml", ".yml"))

    def _watch(self) -> None:
        from watchfiles import watch

        paths = [p for p in (self.options.specs, self.options.themes) if p.exists()]
        for changes in watch(*paths, watch_filter=self._relevant, stop_event=self._stop, debounce=300,
                             raise_interrupt=False):  # fmt: skip
            names = sorted({Path(path).name for _, path in changes})
            print(f"changed: {', '.join(names)}; rebuilding", file=self.out, flush=True)
            self.build()


def _token_issuer(data: Path) -> Callable[[str], str] | None:
    try:
        from functions.tokens import SQLiteTokens, issue_token
    except ImportError:
        return None
    tokens = SQLiteTokens.in_data_dir(data)
    return lambda survey: issue_token(tokens, survey)


def serve(options: ServeOptions, out: TextIO = sys.stdout) -> int:
    """Build and serve until stopped; 1 when no survey could be built."""
    service = LocalService(options, out)
    if not service.build():
        print("error: no survey could be built, so there is nothing to serve", file=out, flush=True)
        service.server.server_close()
        service.store.close()
        return 1
    service.start_watching()  # before the links are printed, so an edit right after is not missed
    service.describe()
    service.run()
    return 0
