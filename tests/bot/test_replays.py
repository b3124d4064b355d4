"""The memory of signatures taken: each counts once while it is valid, is forgotten after, and stays bounded."""

from __future__ import annotations

import threading

from bot.replays import SIGNATURE_WINDOW_SECONDS, SeenSignatures

NOW = 1_700_000_000


def test_a_signature_counts_once() -> None:
    seen = SeenSignatures()
    assert seen.first_sight("v0=a", timestamp=NOW, now=NOW)
    assert not seen.first_sight("v0=a", timestamp=NOW, now=NOW + 1)
    assert seen.first_sight("v0=b", timestamp=NOW, now=NOW + 1)


def test_a_signature_is_remembered_as_long_as_slack_sdk_would_accept_it() -> None:
    """SignatureVerifier accepts a timestamp up to five minutes ahead of now, so the memory runs from the timestamp."""
    assert SIGNATURE_WINDOW_SECONDS == 300
    seen = SeenSignatures()
    ahead = NOW + 290  # signed "in the future", taken now: valid until NOW + 590
    assert seen.first_sight("v0=a", timestamp=ahead, now=NOW)
    assert not seen.first_sight("v0=a", timestamp=ahead, now=ahead + 300)
    assert seen.first_sight("v0=a", timestamp=ahead, now=ahead + 301)  # the verifier refuses it by now anyway
    assert len(seen) == 1


def test_expired_signatures_are_forgotten() -> None:
    seen = SeenSignatures()
    for n in range(100):
        assert seen.first_sight(f"v0={n}", timestamp=NOW + n, now=NOW + n)
    assert seen.first_sight("v0=late", timestamp=NOW + 350, now=NOW + 350)
    assert len(seen) == 51  # those stamped NOW+50 .. NOW+99 are still valid, and the new one


def test_past_its_capacity_the_soonest_to_expire_is_forgotten_first() -> None:
    seen = SeenSignatures(capacity=3)
    for n, stamp in enumerate([NOW + 2, NOW, NOW + 1]):
        assert seen.first_sight(f"v0={n}", timestamp=stamp, now=NOW)
    assert seen.first_sight("v0=new", timestamp=NOW + 3, now=NOW)
    assert len(seen) == 3
    assert not any(seen.first_sight(signature, timestamp=NOW, now=NOW) for signature in ("v0=0", "v0=2", "v0=new"))
    assert seen.first_sight("v0=1", timestamp=NOW, now=NOW)  # stamped NOW, it expired soonest, so went first


def test_threads_racing_on_one_signature_see_it_first_exactly_once() -> None:
    seen = SeenSignatures()
    start = threading.Barrier(16)
    firsts: list[bool] = []

    def take() -> None:
        start.wait()
        firsts.append(seen.first_sight("v0=a", timestamp=NOW, now=NOW))

    threads = [threading.Thread(target=take) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(firsts) == [False] * 15 + [True]
