"""Reading Greenhouse and Lever boards: recorded JSON in the documented formats, and real HTTP to a local server."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jobs.job_boards import (
    LEVER_PAGE,
    Board,
    BoardError,
    BoardJob,
    clean_tags,
    fetch_greenhouse,
    fetch_lever,
    load_board,
    parse_board,
)
from testkit.boards import BoardServer, serve_boards

DATA = Path(__file__).resolve().parents[1] / "data" / "job_boards"
GH_WEEK1 = DATA / "greenhouse_acme_week1.json"
GH_WEEK2 = DATA / "greenhouse_acme_week2.json"
GH_GLOBEX = DATA / "greenhouse_globex.json"
LEVER_WEEK1 = DATA / "lever_northwind_week1.json"


def recorded(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def gh_job(**changes: Any) -> dict[str, Any]:
    """The first job of the recorded Greenhouse board, with some fields changed."""
    job = copy.deepcopy(recorded(GH_WEEK1)["jobs"][0])
    job.update(changes)
    return job


def gh_board(*jobs: dict[str, Any]) -> dict[str, Any]:
    return {"jobs": list(jobs), "meta": {"total": len(jobs)}}


def lever_posting(**changes: Any) -> dict[str, Any]:
    posting = copy.deepcopy(recorded(LEVER_WEEK1)[0])
    posting.update(changes)
    return posting


# --- The recorded boards ----------------------------------------------------------------------------------------------


def test_a_recorded_greenhouse_board_reads_into_board_jobs() -> None:
    board = load_board("greenhouse", str(GH_WEEK1))

    assert (board.kind, board.name) == ("greenhouse", "acme")  # the board its URLs name, not the file's stem
    url = "https://job-boards.greenhouse.io/acme/jobs/"
    assert board.jobs == (
        BoardJob(
            "4012345",
            "Senior Backend Engineer (Python)",
            "Berlin, Germany",
            url + "4012345",
            "Engineering",
            ("python", "django", "postgresql", "kubernetes"),  # the "Skills" multi-select, not "Employment Type"
        ),
        BoardJob("4012346", "Product Designer", "München, Deutschland", url + "4012346", "Design", ("design",)),
        BoardJob(  # a "Key skills" text field, comma-separated
            "4012347",
            "Data Analyst \u2013 Growth",
            "São Paulo, Brasil",
            url + "4012347",
            "Data & Analytics",
            ("sql", "dbt", "looker"),
        ),
        BoardJob(  # no skills field (a salary range is not tags): the departments, first one the team
            "4012348",
            "Site Reliability Engineer",
            "Remote \u2013 Europe",
            url + "4012348",
            "Infrastructure",
            ("infrastructure", "engineering"),
        ),
        BoardJob(
            "4012349",
            "Customer Success Manager, DACH",
            "Zürich, Schweiz",
            url + "4012349",
            "Customer Success",
            ("saas", "german", "onboarding"),
        ),
    )


def test_two_snapshots_of_one_board_name_the_same_board_whatever_the_files_are_called(tmp_path: Path) -> None:
    renamed = tmp_path / "export-2026-01-12.json"
    renamed.write_bytes(GH_WEEK2.read_bytes())

    assert load_board("greenhouse", str(renamed)).name == load_board("greenhouse", str(GH_WEEK1)).name == "acme"


def test_a_board_on_its_own_careers_domain_is_named_by_the_file_stem() -> None:
    board = load_board("greenhouse", str(GH_GLOBEX))

    assert board.name == "greenhouse_globex"
    assert [job.url for job in board.jobs] == [
        "https://www.globex.example/careers/open-roles?gh_jid=5550001",
        "https://www.globex.example/careers/open-roles?gh_jid=5550002",
    ]
    # A job with no departments and no skills has no team and no tags.
    assert (board.jobs[1].team_name, board.jobs[1].tags) == (None, ())


def test_a_recorded_lever_board_reads_into_board_jobs() -> None:
    board = load_board("lever", str(LEVER_WEEK1))

    assert (board.kind, board.name) == ("lever", "northwind")
    url = "https://jobs.lever.co/northwind/"
    assert board.jobs == (
        BoardJob(
            "5f1c2a9e-8d0b-4c1e-9a6f-3b2d7e4c1a01",
            "Senior Data Engineer",
            "London",
            url + "5f1c2a9e-8d0b-4c1e-9a6f-3b2d7e4c1a01",
            "Data Platform",  # categories.team, not the broader department
            ("python", "spark", "airflow"),
        ),
        BoardJob(  # no "tags" key at all
            "8a3d44f0-1b7e-4f52-b1c9-02e6d5a7c3b2",
            "Ingénieure logiciel / Software Engineer",
            "Paris",
            url + "8a3d44f0-1b7e-4f52-b1c9-02e6d5a7c3b2",
            "Core Product",
            (),
        ),
        BoardJob(
            "c2e9b7d1-54aa-4e0f-8f3b-9d1a6e2f7c44",
            "Mobile Developer (iOS)",
            "東京 (Tokyo)",
            url + "c2e9b7d1-54aa-4e0f-8f3b-9d1a6e2f7c44",
            "Mobile",
            ("swift", "ios", "swiftui"),
        ),
        BoardJob(  # "Recruiting" and "recruiting" are one tag
            "e7f0a1b2-3c4d-4e5f-8a9b-0c1d2e3f4a55",
            "Recruiting Coordinator",
            "Remote - US",
            url + "e7f0a1b2-3c4d-4e5f-8a9b-0c1d2e3f4a55",
            "People",
            ("recruiting", "greenhouse"),
        ),
    )


# --- Mapping details --------------------------------------------------------------------------------------------------


def test_greenhouse_reads_skills_from_any_field_named_like_skills_or_tags_before_departments() -> None:
    job = gh_job(
        metadata=[
            {"id": 1, "name": "Hiring Manager", "value": "Alex Rivera", "value_type": "short_text"},
            {"id": 2, "name": "Tech tags", "value": ["Rust", "gRPC"], "value_type": "multi_select"},
            {"id": 3, "name": "Nice-to-have skills", "value": "WASM, rust", "value_type": "short_text"},
            {"id": 4, "name": "Skill count", "value": 3, "value_type": "number"},
            {"id": 5, "name": "Tags", "value": None, "value_type": "short_text"},
        ]
    )

    [parsed] = parse_board("greenhouse", gh_board(job), origin="test")

    assert parsed.tags == ("rust", "grpc", "wasm")
    assert parsed.team_name == "Engineering"


def test_greenhouse_without_content_has_no_departments_and_still_reads() -> None:
    """The list without ?content=true carries no departments, offices or content."""
    job = gh_job(metadata=None, location=None, absolute_url=None)
    for key in ("departments", "offices", "content"):
        del job[key]

    [parsed] = parse_board("greenhouse", gh_board(job), origin="test")

    assert parsed == BoardJob("4012345", "Senior Backend Engineer (Python)", None, None, None, ())


def test_lever_falls_back_to_all_locations_when_there_is_no_primary_one() -> None:
    posting = lever_posting(categories={"team": "Data", "allLocations": ["Lisbon", "Porto"]})

    [parsed] = parse_board("lever", [posting], origin="test")

    assert (parsed.location, parsed.team_name) == ("Lisbon, Porto", "Data")


def test_text_is_cleaned_to_fit_a_role() -> None:
    long_title = "Principal " + "Platform " * 30 + "Engineer"
    job = gh_job(
        title="  Senior\tBackend\u0000 Engineer\n ",
        location={"name": "Cafe\u0301, " + "x" * 200},  # decomposed é, and too long
    )
    [parsed] = parse_board("greenhouse", gh_board(job), origin="test")
    [long] = parse_board("greenhouse", gh_board(gh_job(title=long_title)), origin="test")

    assert parsed.title == "Senior Backend Engineer"  # no NUL: PostgreSQL would refuse it
    assert parsed.location is not None and parsed.location.startswith("Café, xxx")
    assert len(parsed.location) == 150 and parsed.location.endswith("…")
    assert len(long.title) <= 150 and long.title.endswith("…") and long.title.startswith("Principal Platform")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://boards.greenhouse.io/acme/jobs/1",
        "https://example.com/jobs/1?a=<b>",
        "https://example.com/jobs/a b",
        "https://example.com/" + "x" * 300,
        "/acme/jobs/1",
        "",
    ],
)
def test_a_link_that_is_not_a_safe_web_address_is_dropped_not_the_job(url: str) -> None:
    [parsed] = parse_board("greenhouse", gh_board(gh_job(absolute_url=url)), origin="test")

    assert parsed.url is None
    assert parsed.title == "Senior Backend Engineer (Python)"


def test_tags_are_lower_cased_deduplicated_and_bounded() -> None:
    many = [f"Skill{i}" for i in range(30)]

    assert clean_tags(["Python", " python ", "Machine  Learning, SQL", "", "x" * 41, "y" * 40]) == (
        "python",
        "machine learning",
        "sql",
        "y" * 40,
    )
    assert clean_tags(many) == tuple(f"skill{i}" for i in range(20))


def test_a_job_listed_twice_is_read_once_as_first_listed() -> None:
    first, again = lever_posting(), lever_posting(text="Changed between two pages")

    parsed = parse_board("lever", [first, again], origin="test")

    assert [job.title for job in parsed] == ["Senior Data Engineer"]


# --- Wrong shapes -----------------------------------------------------------------------------------------------------

GH_FORMAT = "test: not Greenhouse's /v1/boards/TOKEN/jobs?content=true format: "
LEVER_FORMAT = "test: not Lever's /v0/postings/SITE?mode=json format: "


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("greenhouse", [], GH_FORMAT + 'expected an object with a "jobs" list'),
        ("greenhouse", {"jobs": {}}, GH_FORMAT + 'expected an object with a "jobs" list'),
        ("greenhouse", recorded(LEVER_WEEK1), GH_FORMAT + 'expected an object with a "jobs" list'),
        ("greenhouse", gh_board(gh_job(), "job"), GH_FORMAT + "jobs[1] is not an object"),
        ("greenhouse", gh_board(gh_job(id="4012345")), GH_FORMAT + "jobs[0].id is not a number"),
        ("greenhouse", gh_board(gh_job(id=True)), GH_FORMAT + "jobs[0].id is not a number"),
        ("greenhouse", gh_board(gh_job(title=None)), GH_FORMAT + "jobs[0].title is missing"),
        ("greenhouse", gh_board(gh_job(title="   ")), GH_FORMAT + "jobs[0].title is missing"),
        ("greenhouse", gh_board(gh_job(title=["x"])), GH_FORMAT + "jobs[0].title is not text"),
        ("greenhouse", gh_board(gh_job(location="Berlin")), GH_FORMAT + "jobs[0].location is not an object"),
        ("greenhouse", gh_board(gh_job(departments={"name": "x"})), GH_FORMAT + "jobs[0].departments is not a list"),
        ("greenhouse", gh_board(gh_job(metadata=[{"name": 5}])), GH_FORMAT + "jobs[0].metadata[0].name is not text"),
        (
            "greenhouse",
            {"jobs": [gh_job()], "meta": {"total": 2}},
            "test: the board counts 2 jobs but lists 1; refusing part of a board",
        ),
        ("lever", recorded(GH_WEEK1), LEVER_FORMAT + "expected a list of postings"),
        ("lever", {"ok": False, "error": "Document not found"}, LEVER_FORMAT + "expected a list of postings"),
        ("lever", [lever_posting(id=12)], LEVER_FORMAT + "postings[0].id is not a posting id"),
        ("lever", [lever_posting(id="../../etc")], LEVER_FORMAT + "postings[0].id is not a posting id"),
        ("lever", [lever_posting(text="")], LEVER_FORMAT + "postings[0].text is missing"),
        ("lever", [lever_posting(tags="python")], LEVER_FORMAT + "postings[0].tags is not a list of text"),
        ("lever", [lever_posting(categories=[])], LEVER_FORMAT + "postings[0].categories is not an object"),
    ],
)
def test_a_board_of_the_wrong_shape_is_refused_saying_where(kind: str, data: object, message: str) -> None:
    with pytest.raises(BoardError) as raised:
        parse_board(kind, data, origin="test")

    assert str(raised.value) == message


# --- Files ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not valid JSON (Expecting value at line 1, column 1)"),
        (b'{"jobs": [}', "not valid JSON (Expecting value at line 1, column 11)"),
        (b"<html>Too Many Requests</html>", "not valid JSON (Expecting value at line 1, column 1)"),
        (b'{"jobs": [], "title": "\xff"}', "not JSON (not UTF-8 text)"),
    ],
)
def test_a_file_that_is_not_json_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "acme.json"
    path.write_bytes(content)

    with pytest.raises(BoardError) as raised:
        load_board("greenhouse", str(path))

    assert str(raised.value) == f"{path}: {message}"


def test_a_source_that_is_neither_a_file_nor_a_token_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "acme.json"

    with pytest.raises(BoardError) as raised:
        load_board("greenhouse", str(missing))
    with pytest.raises(BoardError) as directory:
        load_board("greenhouse", str(tmp_path))

    assert str(raised.value) == f"{missing}: no such file, and not a board token (letters, digits, '-' and '_' only)"
    assert str(directory.value) == f"{tmp_path}: not a file"


def test_a_file_whose_jobs_name_two_boards_is_refused(tmp_path: Path) -> None:
    data = recorded(GH_WEEK1)
    data["jobs"][1]["absolute_url"] = "https://boards.greenhouse.io/initech/jobs/4012346"
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(data))

    with pytest.raises(BoardError) as raised:
        load_board("greenhouse", str(path))

    assert str(raised.value) == f"{path}: its jobs come from more than one board (acme, initech)"


def test_a_file_that_names_no_board_needs_a_token_like_name(tmp_path: Path) -> None:
    path = tmp_path / "globex jobs.json"
    path.write_bytes(GH_GLOBEX.read_bytes())

    with pytest.raises(BoardError) as raised:
        load_board("greenhouse", str(path))

    assert "its job URLs do not name the board, and the file name is not a board token" in str(raised.value)


# --- Fetching over real HTTP ------------------------------------------------------------------------------------------


@pytest.fixture
def board_server() -> Iterator[BoardServer]:
    with serve_boards() as server:
        yield server


def test_a_greenhouse_board_is_fetched_by_token_with_its_content(board_server: BoardServer) -> None:
    board_server.routes["/v1/boards/Acme/jobs"] = (200, GH_WEEK1.read_bytes())

    board = load_board("greenhouse", "Acme", base_url=board_server.url)

    assert board_server.requests == ["/v1/boards/Acme/jobs?content=true"]
    # Keys are lower-case, so "Acme" fetched and acme's recorded file are one board.
    assert board == Board("greenhouse", "acme", load_board("greenhouse", str(GH_WEEK1)).jobs)


def test_a_lever_board_is_fetched_page_by_page_until_a_short_page(board_server: BoardServer) -> None:
    template = recorded(LEVER_WEEK1)[0]
    postings = [
        dict(template, id=f"00000000-0000-4000-8000-{i:012d}", text=f"Engineer {i}") for i in range(LEVER_PAGE * 2 + 5)
    ]
    board_server.routes["/v0/postings/northwind"] = (200, json.dumps(postings).encode())

    data, origin = fetch_lever("northwind", base_url=board_server.url)
    board = parse_board("lever", data, origin=origin)

    assert origin == f"{board_server.url}/v0/postings/northwind?mode=json"
    assert board_server.requests == [
        f"/v0/postings/northwind?mode=json&skip={skip}&limit={LEVER_PAGE}" for skip in (0, LEVER_PAGE, 2 * LEVER_PAGE)
    ]
    assert [job.title for job in board] == [f"Engineer {i}" for i in range(LEVER_PAGE * 2 + 5)]


def test_a_lever_board_of_exactly_one_page_asks_once_more_and_stops(board_server: BoardServer) -> None:
    board_server.routes["/v0/postings/northwind"] = (200, LEVER_WEEK1.read_bytes())

    board = load_board("lever", "northwind", base_url=board_server.url)

    assert board == Board("lever", "northwind", load_board("lever", str(LEVER_WEEK1)).jobs)
    assert len(board_server.requests) == 1


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (404, b'{"status":404,"error":"Job not found"}', "answered HTTP 404 Not Found: no such board?"),
        (500, b"oops", "answered HTTP 500 Internal Server Error"),
        (200, b"<!doctype html><title>Down for maintenance</title>", "not valid JSON (Expecting value at line 1"),
        (200, b'{"jobs": [{"id": 1}], "meta": {"total": 1}}', "jobs[0].title is missing"),
    ],
)
def test_a_board_that_answers_badly_is_refused_naming_the_url(
    board_server: BoardServer, status: int, body: bytes, message: str
) -> None:
    board_server.routes["/v1/boards/acme/jobs"] = (status, body)

    with pytest.raises(BoardError) as raised:
        load_board("greenhouse", "acme", base_url=board_server.url)

    assert str(raised.value).startswith(f"{board_server.url}/v1/boards/acme/jobs?content=true")
    assert message in str(raised.value)


def test_a_board_that_does_not_answer_in_time_is_refused(board_server: BoardServer) -> None:
    board_server.routes["/v1/boards/acme/jobs"] = (200, GH_WEEK1.read_bytes())
    board_server.delay = 1.0

    with pytest.raises(BoardError) as raised:
        fetch_greenhouse("acme", base_url=board_server.url, timeout=0.2)

    assert str(raised.value) == f"{board_server.url}/v1/boards/acme/jobs?content=true did not answer within 0.2 s"


def test_an_unreachable_board_is_refused() -> None:
    with pytest.raises(BoardError) as raised:
        load_board("lever", "northwind", base_url="http://127.0.0.1:1")

    assert str(raised.value).startswith(
        "cannot fetch http://127.0.0.1:1/v0/postings/northwind?mode=json&skip=0&limit=100: "
    )
