"""The settings that switch the ATS webhook receivers on."""

from __future__ import annotations

from bot.config import AtsSecrets, load_settings

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
        }
    )
    assert settings.ats == AtsSecrets(greenhouse="gh-key", lever=("first", "second"), ashby="ashby-key")
    assert settings.ats.any
    assert load_settings({**BASE, "LEVER_WEBHOOK_TOKENS": " , "}).ats == AtsSecrets()
