"""Each ATS's signature scheme against a vector computed independently, with openssl, from the documented recipe:

    openssl dgst -sha256 -hmac greenhouse-vector-key < tests/data/ats/greenhouse/reject_candidate.json
    openssl dgst -sha256 -hmac ashby-vector-key < tests/data/ats/ashby/applicationUpdate.json
    printf '%s%s' be58f711f349c7780e4579cd7c63341ac6f881e4dccc3154 1764806400000 \\
        | openssl dgst -sha256 -hmac lever-vector-key
"""

from __future__ import annotations

import json

import pytest

from bot.ats import ashby, greenhouse, lever
from bot.ats.delivery import Delivery, Refused
from testkit.ats import fixture

GREENHOUSE_VECTOR = "8fe517d986e97c7c70a51b29a937cdbad89c368fdd9c87c395b5e9428048cb2e"
ASHBY_VECTOR = "4e0654ebe99dc9b13aaeea201175ee844853d7f5b85a469537555b5d874e9c18"
LEVER_TOKEN = "be58f711f349c7780e4579cd7c63341ac6f881e4dccc3154"
LEVER_TRIGGERED_AT = 1764806400000  # 2025-12-04T00:00:00Z
LEVER_VECTOR = "634ee0c226f0f4a480c9ac1f9041687b26c32a63b856fca329890feda3a8ae00"


def tampered(hex_digest: str) -> str:
    """The same digest with its last hex digit changed."""
    return hex_digest[:-1] + ("0" if hex_digest[-1] != "0" else "1")


def test_greenhouse_accepts_its_documented_signature_over_the_raw_body() -> None:
    raw = fixture("greenhouse", "reject_candidate")
    headers = {"signature": f"sha256 {GREENHOUSE_VECTOR}", "greenhouse-event-id": "evt-1"}
    assert greenhouse.read(raw, headers, secret="greenhouse-vector-key") == Delivery("reject_candidate", "evt-1")
    upper = {**headers, "signature": f"sha256 {GREENHOUSE_VECTOR.upper()}"}  # hex is hex in either case
    assert greenhouse.read(raw, upper, secret="greenhouse-vector-key") == Delivery("reject_candidate", "evt-1")


@pytest.mark.parametrize(
    "signature",
    [
        f"sha256 {tampered(GREENHOUSE_VECTOR)}",
        f"sha1 {GREENHOUSE_VECTOR}",
        f"sha256={GREENHOUSE_VECTOR}",
        GREENHOUSE_VECTOR,
        "",
        f"sha256 {GREENHOUSE_VECTOR[:-2]}",
        "sha256 é" + GREENHOUSE_VECTOR[2:],
    ],
)
def test_greenhouse_refuses_any_other_signature(signature: str) -> None:
    raw = fixture("greenhouse", "reject_candidate")
    with pytest.raises(Refused) as refused:
        greenhouse.read(raw, {"signature": signature, "greenhouse-event-id": "e"}, secret="greenhouse-vector-key")
    assert refused.value.status == 401


def test_greenhouse_signs_the_bytes_as_sent_not_the_json_reserialised() -> None:
    """Greenhouse escapes Unicode before signing: a body parsed and dumped again is other bytes, and must not pass."""
    raw = fixture("greenhouse", "reject_candidate")
    again = json.dumps(json.loads(raw)).encode()
    assert again != raw
    with pytest.raises(Refused):
        greenhouse.read(again, {"signature": f"sha256 {GREENHOUSE_VECTOR}"}, secret="greenhouse-vector-key")


def test_ashby_accepts_its_documented_signature_over_the_raw_body() -> None:
    raw = fixture("ashby", "applicationUpdate")
    action_id = json.loads(raw)["webhookActionId"]
    delivery = ashby.read(raw, {"ashby-signature": f"sha256={ASHBY_VECTOR}"}, secret="ashby-vector-key")
    assert delivery == Delivery("applicationUpdate", action_id)


@pytest.mark.parametrize(
    "signature", [f"sha256={tampered(ASHBY_VECTOR)}", f"sha256 {ASHBY_VECTOR}", ASHBY_VECTOR, f"md5={ASHBY_VECTOR}", ""]
)
def test_ashby_refuses_any_other_signature(signature: str) -> None:
    with pytest.raises(Refused) as refused:
        ashby.read(fixture("ashby", "applicationUpdate"), {"ashby-signature": signature}, secret="ashby-vector-key")
    assert refused.value.status == 401


def lever_delivery(**changes: object) -> bytes:
    body = {
        "triggeredAt": LEVER_TRIGGERED_AT,
        "event": "candidateStageChange",
        "data": json.loads(fixture("lever", "candidateStageChange"))["data"],
        "signature": LEVER_VECTOR,
        "token": LEVER_TOKEN,
        **changes,
    }
    return json.dumps(body).encode()


def test_lever_accepts_its_documented_signature_of_token_and_trigger_time() -> None:
    now = LEVER_TRIGGERED_AT / 1000 + 60
    delivery = lever.read(lever_delivery(), ["another-webhook-token", "lever-vector-key"], now=now)
    opportunity = json.loads(fixture("lever", "candidateStageChange"))["data"]["opportunityId"]
    assert delivery == Delivery("candidateStageChange", f"candidateStageChange:{opportunity}:{LEVER_TRIGGERED_AT}")


@pytest.mark.parametrize(
    "changes",
    [
        {"signature": tampered(LEVER_VECTOR)},
        {"token": LEVER_TOKEN[:-1] + "0"},
        {"triggeredAt": LEVER_TRIGGERED_AT + 1},
        {"signature": None},
        {"triggeredAt": str(LEVER_TRIGGERED_AT)},
        {"triggeredAt": True},
    ],
)
def test_lever_refuses_any_other_signature(changes: dict[str, object]) -> None:
    with pytest.raises(Refused) as refused:
        lever.read(lever_delivery(**changes), ["lever-vector-key"], now=LEVER_TRIGGERED_AT / 1000)
    assert refused.value.status == 401


@pytest.mark.parametrize(
    ("seconds_after", "fresh"),
    [(-301, False), (-299, True), (14 * 24 * 3600 - 1, True), (14 * 24 * 3600 + 1, False)],
)
def test_lever_refuses_a_delivery_from_the_future_or_older_than_its_retries(seconds_after: int, fresh: bool) -> None:
    now = LEVER_TRIGGERED_AT / 1000 + seconds_after
    if fresh:
        assert lever.read(lever_delivery(), ["lever-vector-key"], now=now).key is not None
    else:
        with pytest.raises(Refused, match="stale"):
            lever.read(lever_delivery(), ["lever-vector-key"], now=now)
