"""The public job boards Greenhouse and Lever publish, read into one neutral shape, `BoardJob`.

Greenhouse's Job Board API: GET https://boards-api.greenhouse.io/v1/boards/{token}/jobs?content=true answers
{"jobs": [{"id", "title", "location": {"name"}, "absolute_url", "metadata", "departments", ...}], "meta": {"total"}}.
Lever's Postings API: GET https://api.lever.co/v0/postings/{site}?mode=json answers a list of postings
{"id", "text", "categories": {"team", "location", "allLocations", ...}, "hostedUrl", "tags"?, ...}, a page at a time
(skip, limit). Both are public and need no key.

The import closes roles whose jobs left the board, so a board read only in part must never pass for the whole
board: a Greenhouse list shorter than its own `meta.total`, or a reply that is not the documented shape, is refused
with one line saying what is wrong, rather than read as "those jobs are gone".
"""

from __future__ import annotations

import http.client
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

from bot.fields import LINK_BREAKERS, TAG_MAX, TAGS_MAX, URL_MAX

BOARDS = ("greenhouse", "lever")
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,100}")  # a Greenhouse board token or a Lever site name
POSTING_ID = re.compile(r"[A-Za-z0-9-]{1,64}")  # Lever's are UUIDs; "<board>:<id>" fits Role.external_id's 200
GREENHOUSE_API = "https://boards-api.greenhouse.io"
LEVER_API = "https://api.lever.co"
TIMEOUT = 10.0  # seconds
BYTES_MAX = 20_000_000  # far above any real board; a bigger answer is not a job board
LEVER_PAGE = 100
LEVER_PAGES_MAX = 100
TEXT_MAX = 150  # Role.title, location and team_name

# Boards served from the ATS's own hosts name their token or site in every job's URL: {host}/{board}/...
_BOARD_HOSTS = {
    "greenhouse": frozenset(
        {"boards.greenhouse.io", "job-boards.greenhouse.io", "boards.eu.greenhouse.io", "job-boards.eu.greenhouse.io"}
    ),
    "lever": frozenset({"jobs.lever.co", "jobs.eu.lever.co"}),
}
_SHAPES = {
    "greenhouse": "Greenhouse's /v1/boards/TOKEN/jobs?content=true",
    "lever": "Lever's /v0/postings/SITE?mode=json",
}
_LINK_BREAKERS = LINK_BREAKERS | {" "}  # and a space, which ends a link as surely
_TAG_FIELD = re.compile(r"skill|tag", re.IGNORECASE)  # Greenhouse custom fields worth reading as tags


class BoardError(Exception):
    """The board could not be read, or the import could not start: the message is the one line printed."""


@dataclass(frozen=True)
class BoardJob:
    """One open job, whichever board it came from, cleaned to fit a Role."""

    job_id: str
    title: str
    location: str | None
    url: str | None
    team_name: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Board:
    """Every open job of one board. `name` (token or site, lower-case) scopes the roles' external ids."""

    kind: str  # "greenhouse" or "lever"
    name: str
    jobs: tuple[BoardJob, ...]


def load_board(kind: str, source: str, *, base_url: str | None = None, timeout: float = TIMEOUT) -> Board:
    """Read a board from a file (an existing path) or fetch it by token; raises BoardError.

    A file's board is the one its jobs' URLs name (so weekly snapshots and a live fetch share keys), else the
    file's stem.
    """
    if kind not in BOARDS:
        raise BoardError(f"unknown job board {kind!r}: use greenhouse or lever")
    path = Path(source)
    if path.exists():
        jobs = parse_board(kind, read_json_file(path), origin=source)
        return Board(kind=kind, name=_file_board_name(kind, path, jobs), jobs=jobs)
    if not TOKEN.fullmatch(source):
        raise BoardError(f"{source}: no such file, and not a board token (letters, digits, '-' and '_' only)")
    if kind == "greenhouse":
        data, origin = fetch_greenhouse(source, base_url=base_url or GREENHOUSE_API, timeout=timeout)
    else:
        data, origin = fetch_lever(source, base_url=base_url or LEVER_API, timeout=timeout)
    return Board(kind=kind, name=source.lower(), jobs=parse_board(kind, data, origin=origin))


def read_json_file(path: Path) -> object:
    """A recorded board: the JSON the API answered, saved as is."""
    if not path.is_file():
        raise BoardError(f"{path}: not a file")
    try:
        with path.open("rb") as file:
            body = file.read(BYTES_MAX + 1)
    except OSError as error:
        raise BoardError(f"cannot read {path}: {error.strerror or error}") from None
    return _decode(body, origin=str(path))


def fetch_greenhouse(token: str, *, base_url: str = GREENHOUSE_API, timeout: float = TIMEOUT) -> tuple[object, str]:
    """The whole board in one request; returns the decoded JSON and the URL it came from."""
    url = f"{base_url.rstrip('/')}/v1/boards/{token}/jobs?content=true"
    return fetch_json(url, timeout=timeout), url


def fetch_lever(site: str, *, base_url: str = LEVER_API, timeout: float = TIMEOUT) -> tuple[object, str]:
    """Every posting, a page at a time until a short page; returns the decoded JSON list and the site's URL."""
    url = f"{base_url.rstrip('/')}/v0/postings/{site}?mode=json"
    postings: list[object] = []
    for page in range(LEVER_PAGES_MAX):
        batch = fetch_json(f"{url}&skip={page * LEVER_PAGE}&limit={LEVER_PAGE}", timeout=timeout)
        if not isinstance(batch, list):
            return batch, url  # the parser says what is wrong with it
        postings.extend(batch)
        if len(batch) < LEVER_PAGE:
            return postings, url
    raise BoardError(f"{url}: more than {LEVER_PAGE * LEVER_PAGES_MAX:,} postings; refusing to import part of a board")


def fetch_json(url: str, *, timeout: float = TIMEOUT) -> object:
    """GET one JSON document; every failure is a BoardError naming the URL."""
    request = Request(url, headers={"Accept": "application/json", "User-Agent": "Keepwarm job-board import"})
    try:
        with urlopen(request, timeout=timeout) as response:
            body = response.read(BYTES_MAX + 1)
    except HTTPError as error:
        hint = ": no such board?" if error.code == 404 else ""
        raise BoardError(f"{url} answered HTTP {error.code} {error.reason}{hint}") from None
    except URLError as error:
        raise BoardError(_unreachable(url, error.reason, timeout)) from None
    except (OSError, http.client.HTTPException) as error:
        raise BoardError(_unreachable(url, error, timeout)) from None
    return _decode(body, origin=url)


def _unreachable(url: str, reason: object, timeout: float) -> str:
    if isinstance(reason, TimeoutError):
        return f"{url} did not answer within {timeout:g} s"
    return f"cannot fetch {url}: {reason}"


def _decode(body: bytes, *, origin: str) -> object:
    if len(body) > BYTES_MAX:
        raise BoardError(f"{origin}: larger than {BYTES_MAX // 1_000_000} MB; not a job board")
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise BoardError(f"{origin}: not JSON (not UTF-8 text)") from None
    except json.JSONDecodeError as error:
        raise BoardError(
            f"{origin}: not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None


# --- Parsing ----------------------------------------------------------------------------------------------------------


class _Shape:
    """Typed reads from decoded JSON that fail with where and what, e.g. `jobs[3].title is missing`."""

    def __init__(self, kind: str, origin: str) -> None:
        self.kind, self.origin = kind, origin

    def error(self, detail: str) -> BoardError:
        return BoardError(f"{self.origin}: not {_SHAPES[self.kind]} format: {detail}")

    def text(self, value: object, where: str) -> str | None:
        if value is None or isinstance(value, str):
            return value
        raise self.error(f"{where} is not text")

    def texts(self, value: object, where: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.error(f"{where} is not a list of text")
        return value

    def obj(self, value: object, where: str) -> dict[str, object]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(f"{where} is not an object")
        return value

    def objects(self, value: object, where: str) -> Iterator[tuple[str, dict[str, object]]]:
        if value is None:
            return
        if not isinstance(value, list):
            raise self.error(f"{where} is not a list")
        for index, item in enumerate(value):
            yield f"{where}[{index}]", self.obj(item, f"{where}[{index}]")

    def title(self, value: object, where: str) -> str:
        title = line(self.text(value, where) or "")
        if not title:
            raise self.error(f"{where} is missing")
        return title


def parse_board(kind: str, data: object, *, origin: str) -> tuple[BoardJob, ...]:
    """The jobs in a board's decoded JSON, each job once, in board order; raises BoardError on the wrong shape."""
    jobs = parse_greenhouse(data, origin=origin) if kind == "greenhouse" else parse_lever(data, origin=origin)
    first: dict[str, BoardJob] = {}  # Lever pages can overlap when the board changes between two requests
    for job in jobs:
        first.setdefault(job.job_id, job)
    return tuple(first.values())


def parse_greenhouse(data: object, *, origin: str) -> list[BoardJob]:
    shape = _Shape("greenhouse", origin)
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise shape.error('expected an object with a "jobs" list')
    listed = data["jobs"]
    total = shape.obj(data.get("meta"), "meta").get("total")
    if isinstance(total, int) and total != len(listed):
        raise BoardError(f"{origin}: the board counts {total} jobs but lists {len(listed)}; refusing part of a board")
    jobs = []
    for where, job in shape.objects(listed, "jobs"):
        job_id = job.get("id")
        if not isinstance(job_id, int) or isinstance(job_id, bool):
            raise shape.error(f"{where}.id is not a number")
        departments = [
            name
            for place, department in shape.objects(job.get("departments"), f"{where}.departments")
            if (name := line(shape.text(department.get("name"), f"{place}.name") or ""))
        ]
        jobs.append(
            BoardJob(
                job_id=str(job_id),
                title=shape.title(job.get("title"), f"{where}.title"),
                location=optional_line(
                    shape.text(shape.obj(job.get("location"), f"{where}.location").get("name"), f"{where}.location")
                ),
                url=web_url(shape.text(job.get("absolute_url"), f"{where}.absolute_url")),
                team_name=departments[0] if departments else None,
                tags=clean_tags(_greenhouse_tag_values(shape, job.get("metadata"), f"{where}.metadata") or departments),
            )
        )
    return jobs


def _greenhouse_tag_values(shape: _Shape, metadata: object, where: str) -> list[str]:
    """Values of the custom fields named like skills or tags."""
    values: list[str] = []
    for place, field in shape.objects(metadata, where):
        name = shape.text(field.get("name"), f"{place}.name") or ""
        if not _TAG_FIELD.search(name):
            continue
        value = field.get("value")  # text, a list for multi-selects; other types (numbers, yes/no) are not tags
        values.extend(item for item in (value if isinstance(value, list) else [value]) if isinstance(item, str))
    return values


def parse_lever(data: object, *, origin: str) -> list[BoardJob]:
    shape = _Shape("lever", origin)
    if not isinstance(data, list):
        raise shape.error("expected a list of postings")
    jobs = []
    for where, posting in shape.objects(data, "postings"):
        posting_id = posting.get("id")
        if not isinstance(posting_id, str) or not POSTING_ID.fullmatch(posting_id):
            raise shape.error(f"{where}.id is not a posting id")
        categories = shape.obj(posting.get("categories"), f"{where}.categories")
        places = shape.texts(categories.get("allLocations"), f"{where}.categories.allLocations")
        location = shape.text(categories.get("location"), f"{where}.categories.location") or ", ".join(places)
        jobs.append(
            BoardJob(
                job_id=posting_id,
                title=shape.title(posting.get("text"), f"{where}.text"),
                location=optional_line(location),
                url=web_url(shape.text(posting.get("hostedUrl"), f"{where}.hostedUrl")),
                team_name=optional_line(shape.text(categories.get("team"), f"{where}.categories.team")),
                tags=clean_tags(shape.texts(posting.get("tags"), f"{where}.tags")),
            )
        )
    return jobs


# --- Cleaning ---------------------------------------------------------------------------------------------------------


def line(value: str, limit: int = TEXT_MAX) -> str:
    """One line of display text: NFC, no control characters (PostgreSQL refuses NUL), spaces collapsed, cut to fit."""
    value = "".join(" " if unicodedata.category(char) == "Cc" else char for char in unicodedata.normalize("NFC", value))
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def optional_line(value: str | None) -> str | None:
    return None if value is None else (line(value) or None)


def web_url(value: str | None) -> str | None:
    """An http(s) address safe to link from Slack, else None: a job without a usable link is still a job."""
    if value is None:
        return None
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or len(value) > URL_MAX:
        return None
    if any(char in _LINK_BREAKERS or unicodedata.category(char) == "Cc" for char in value):
        return None
    return value


def clean_tags(values: Iterable[str]) -> tuple[str, ...]:
    """Lower-cased, comma-split, de-duplicated in order; tags longer than /rejected allows are dropped, not cut."""
    tags: dict[str, None] = {}
    for value in values:
        for part in value.split(","):
            tag = line(part, limit=TAG_MAX + 1).lower()
            if tag and len(tag) <= TAG_MAX:
                tags.setdefault(tag)
    return tuple(tags)[:TAGS_MAX]


def _file_board_name(kind: str, path: Path, jobs: Iterable[BoardJob]) -> str:
    """The board a recorded file holds: the one its jobs' URLs name, else the file's stem."""
    named = {board for job in jobs if (board := _board_in_url(kind, job.url))}
    if len(named) > 1:
        raise BoardError(f"{path}: its jobs come from more than one board ({', '.join(sorted(named))})")
    if named:
        return named.pop()
    if not TOKEN.fullmatch(path.stem):
        raise BoardError(
            f"{path}: its job URLs do not name the board, and the file name is not a board token; "
            "rename the file to <board token>.json"
        )
    return path.stem.lower()


def _board_in_url(kind: str, url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    if (parts.hostname or "") not in _BOARD_HOSTS[kind]:
        return None
    board = parts.path.strip("/").split("/")[0]
    return board.lower() if TOKEN.fullmatch(board) else None
