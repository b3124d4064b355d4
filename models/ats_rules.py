"""How far an ATS rejection got, read from the stage's name, and what Keepwarm does with it at that stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from models.rejection import STAGES

# The stage names the three ATSs ship with, and the ones teams commonly add; everything else is an interview.
DEFAULT_SCREEN_STAGES = (
    "Lead",
    "New Lead",
    "New Applicant",
    "Applied",
    "Application Review",
    "Reached Out",
    "Responded",
    "Preliminary Phone Screen",
    "Recruiter Screen",
    "Phone Screen",
)
DEFAULT_FINAL_STAGES = (
    "Onsite",
    "On-site",
    "Onsite Interview",
    "On-site Interview",
    "Face to Face",
    "Final",
    "Final Interview",
    "Final Round",
    "Reference Check",
    "References",
    "Reference",
    "Offer",
)


class Action(StrEnum):
    """What an ATS rejection at a given stage becomes."""

    IGNORE = "ignore"
    ASK = "ask"  # the recruiter decides: Keep warm / Not this one
    KEEP = "keep"  # recorded without asking; the DM says so, with Undo


def _folded(names: tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    return frozenset(name.strip().casefold() for name in names if name.strip())


@dataclass(frozen=True)
class AtsRules:
    """Stage names mapped to screen | interview | final, case-insensitively (whole names: "Final" is not "Final
    Interview", which is listed on its own); rejections from `ask_from` on reach the recruiter; those at a stage in
    `keep_without_asking` are recorded without asking."""

    screen_stages: frozenset[str] = field(default_factory=lambda: _folded(DEFAULT_SCREEN_STAGES))
    final_stages: frozenset[str] = field(default_factory=lambda: _folded(DEFAULT_FINAL_STAGES))
    ask_from: str = "interview"
    keep_without_asking: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        *,
        screen: tuple[str, ...],
        final: tuple[str, ...],
        ask_from: str = "interview",
        keep_without_asking: tuple[str, ...] = (),
    ) -> AtsRules:
        return cls(_folded(screen), _folded(final), ask_from, frozenset(keep_without_asking))

    def stage(self, name: str | None) -> str:
        """Keepwarm's stage for the ATS's stage name; an unknown or unnamed stage counts as an interview."""
        folded = (name or "").strip().casefold()
        if folded in self.final_stages:
            return "final"
        if folded in self.screen_stages:
            return "screen"
        return "interview"

    def action(self, stage: str) -> Action:
        """A stage chosen to keep without asking is kept even below `ask_from`: the admin asked for it by name."""
        if stage in self.keep_without_asking:
            return Action.KEEP
        return Action.IGNORE if STAGES.index(stage) < STAGES.index(self.ask_from) else Action.ASK
