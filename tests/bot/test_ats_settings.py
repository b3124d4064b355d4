"""The settings that switch the ATS webhook receivers on."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_ASHBY_API_URL, DEFAULT_LEVER_API_URL, ApiAccess, AtsSecrets, ConfigError, load_settings
from models.ats_rules import Action, AtsRules

BASE = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "secret"}


def test_no_receiver_is_on_by_default() -> None:
    assert load_settings(BASE).ats == AtsSecrets()
    assert not load_settings(BASE).ats.any


def test_each_secret_switches_its_receiver_on_and_lever_takes_one_token_per_webhook() -> None:
    settings = load_settings(
        {
            **BASE,
            "GREENHOUSE_WEBHOOK_SECRET": " gh-key ",
            "LEVER_WEBHOOK_TOKENS": " first, ,second ,",
            "ASHBY_WEBHOOK_SECRET": "ashby-key",
            "LEVER_API_KEY": "api-key",
        }
    )
    assert settings.ats == AtsSecrets(greenhouse="gh-key", lever=("first", "second"), ashby="ashby-key")
    assert settings.ats.any
    assert load_settings({**BASE, "LEVER_WEBHOOK_TOKENS": " , "}).ats == AtsSecrets()


def test_lever_tokens_without_an_api_key_are_refused_with_where_to_get_one() -> None:
    with pytest.raises(ConfigError, match=r"LEVER_API_KEY is not set: .*API credentials"):
        load_settings({**BASE, "LEVER_WEBHOOK_TOKENS": "first"})


def test_lever_api_defaults_to_levers_v1_host_and_takes_another() -> None:
    assert load_settings(BASE).lever_api == ApiAccess(key=None, url=DEFAULT_LEVER_API_URL)
    eu = load_settings({**BASE, "LEVER_API_KEY": "k", "LEVER_API_URL": "https://api.eu.lever.co/v1"}).lever_api
    assert eu == ApiAccess(key="k", url="https://api.eu.lever.co/v1/")
    with pytest.raises(ConfigError, match="LEVER_API_URL must be an http"):
        load_settings({**BASE, "LEVER_API_URL": "api.lever.co"})


def test_ashby_api_is_optional_and_defaults_to_ashbys_host() -> None:
    assert load_settings(BASE).ashby_api == ApiAccess(key=None, url=DEFAULT_ASHBY_API_URL)
    keyed = load_settings({**BASE, "ASHBY_API_KEY": "k", "ASHBY_API_URL": "http://127.0.0.1:9"}).ashby_api
    assert keyed == ApiAccess(key="k", url="http://127.0.0.1:9/")
    with pytest.raises(ConfigError, match="ASHBY_API_URL must be an http"):
        load_settings({**BASE, "ASHBY_API_URL": "api.ashbyhq.com"})


def test_default_stage_names_cover_what_the_three_atss_ship_with() -> None:
    rules = load_settings(BASE).ats_rules
    assert rules == AtsRules()
    named = {
        "Application Review": "screen",
        "recruiter screen": "screen",
        "  Phone Screen ": "screen",
        "Technical Screen": "interview",
        "Phone Interview": "interview",
        "On-site interview": "final",
        "ONSITE": "final",
        "Reference Check": "final",
        "Offer": "final",
        None: "interview",
    }
    assert {name: rules.stage(name) for name in named} == named


def test_screen_rejections_are_ignored_and_the_rest_asked_by_default() -> None:
    rules = load_settings(BASE).ats_rules
    assert [rules.action(stage) for stage in ("screen", "interview", "final")] == [
        Action.IGNORE,
        Action.ASK,
        Action.ASK,
    ]


def test_stage_lists_replace_the_defaults_and_choose_what_is_asked_and_kept() -> None:
    rules = load_settings(
        {
            **BASE,
            "ATS_SCREEN_STAGES": "Intro call",
            "ATS_FINAL_STAGES": "Panel, Founder chat",
            "ATS_ASK_FROM_STAGE": "Final",
            "ATS_KEEP_WITHOUT_ASKING": "final",
        }
    ).ats_rules
    assert [rules.stage(n) for n in ("intro call", "Phone Screen", "founder CHAT", "Offer")] == [
        "screen",
        "interview",
        "final",
        "interview",
    ]
    assert [rules.action(stage) for stage in ("screen", "interview", "final")] == [
        Action.IGNORE,
        Action.IGNORE,
        Action.KEEP,
    ]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ATS_ASK_FROM_STAGE", "onsite", "ATS_ASK_FROM_STAGE must be screen, interview or final, not 'onsite'"),
        ("ATS_KEEP_WITHOUT_ASKING", "final,offer", "ATS_KEEP_WITHOUT_ASKING must list screen, interview and/or final"),
    ],
)
def test_bad_ats_rules_are_refused_by_name(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings({**BASE, name: value})
