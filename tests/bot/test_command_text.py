"""The slash-command grammar: Slack's escaping, quoting and the lenient key=value reading recruiters rely on."""

import pytest

from bot.command_text import CommandText, CommandTextError, split_command, unescape


@pytest.mark.parametrize(
    ("escaped", "expected"),
    [
        ("<mailto:a@b.c|a@b.c>", "a@b.c"),
        ("<mailto:jane@x.io>", "jane@x.io"),
        ("<https://linkedin.com/in/jane|linkedin.com/in/jane>", "https://linkedin.com/in/jane"),
        ("<https://example.com/a|a label>", "https://example.com/a"),
        ("<https://example.com/path>", "https://example.com/path"),
        ("<http://example.com>", "http://example.com"),
        ("<https://x.io/?a=1&amp;b=2>", "https://x.io/?a=1&b=2"),
        ("<https://x.io/?next=mailto:z|x.io>", "https://x.io/?next=mailto:z"),
        ("&lt;b&gt;", "<b>"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("&amp;lt;", "&lt;"),
        ("&amp;amp;", "&amp;"),
        ("&quot; &#39; &nbsp;", "&quot; &#39; &nbsp;"),
        ("<@U123|jane>", "<@U123|jane>"),
        ("<#C123|general>", "<#C123|general>"),
        ("<!here>", "<!here>"),
        ("plain text", "plain text"),
    ],
)
def test_unescape(escaped: str, expected: str) -> None:
    assert unescape(escaped) == expected


def test_unescape_resolves_links_inside_a_sentence() -> None:
    assert unescape("mail <mailto:a@b.c|a@b.c> or see <https://x.io|x.io> &amp; ask <@U1>") == (
        "mail a@b.c or see https://x.io & ask <@U1>"
    )


def test_full_example() -> None:
    text = 'Jane Doe email=jane@x.io role="Senior Backend Engineer" stage=final rating=5 tags=python,postgres'
    assert split_command(text) == CommandText(
        head="Jane Doe",
        options=(
            ("email", "jane@x.io"),
            ("role", "Senior Backend Engineer"),
            ("stage", "final"),
            ("rating", "5"),
            ("tags", "python,postgres"),
        ),
    )


def test_head_only_and_empty() -> None:
    assert split_command("  Jane   Doe  ") == CommandText(head="Jane Doe", options=())
    assert split_command("") == CommandText(head="", options=())
    assert split_command("   ") == CommandText(head="", options=())


def test_options_without_head() -> None:
    assert split_command("role=Designer stage=screen") == CommandText(
        head="", options=(("role", "Designer"), ("stage", "screen"))
    )


def test_keys_are_lower_cased_and_may_have_underscores() -> None:
    assert split_command("Jane ROLE=x Stage=final my_key=1").options == (
        ("role", "x"),
        ("stage", "final"),
        ("my_key", "1"),
    )


def test_value_may_contain_equals() -> None:
    assert split_command("Jane note=a=b url=https://x.io/?q=1").options == (
        ("note", "a=b"),
        ("url", "https://x.io/?q=1"),
    )


def test_lenient_continuation() -> None:
    assert split_command("Jane role=Senior Backend Engineer stage=final").options == (
        ("role", "Senior Backend Engineer"),
        ("stage", "final"),
    )


def test_continuation_collapses_spaces_but_quotes_keep_them() -> None:
    assert split_command('Jane note=one   two "three   four"').options == (("note", "one two three   four"),)


def test_empty_value_then_word_continues_it() -> None:
    assert split_command("Jane email= jane@x.io").options == (("email", "jane@x.io"),)
    assert split_command('Jane email="" stage=final').options == (("email", ""), ("stage", "final"))


def test_words_that_are_not_options() -> None:
    """Only [A-Za-z_]+ before = makes a key, so `=x`, `a1=b` and a quoted `"a=b"` stay ordinary words."""
    assert split_command('Jane =x a1=b "role=x"') == CommandText(head="Jane =x a1=b role=x", options=())


@pytest.mark.parametrize(
    "text",
    [
        'Jane role="Senior Backend Engineer"',
        "Jane role=\u201cSenior Backend Engineer\u201d",
        "Jane role=\u201dSenior Backend Engineer\u201d",
        'Jane role="Senior Backend Engineer\u201d',
    ],
)
def test_straight_and_curly_quotes(text: str) -> None:
    assert split_command(text).options == (("role", "Senior Backend Engineer"),)


def test_quoted_head_and_quote_inside_a_word() -> None:
    assert split_command('"Mary Ann  Smith" role=x').head == "Mary Ann  Smith"
    assert split_command('Jane "JJ" Doe role=x').head == "Jane JJ Doe"
    assert split_command('Jane role=Lead" "Dev').options == (("role", "Lead Dev"),)


def test_empty_quotes_add_nothing() -> None:
    assert split_command('Jane "" Doe role=x ""').head == "Jane Doe"
    assert split_command('Jane "" Doe role=x ""').options == (("role", "x"),)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('Jane role="Senior Backend', 'role="Senior Backend'),
        ("Jane role=\u201cSenior Backend", "role=\u201cSenior Backend"),
        ('"Jane Doe', '"Jane Doe'),
        ('Jane role=x "', '"'),
        ('Jane note="' + "x" * 100, 'note="' + "x" * 34 + "…"),
    ],
)
def test_unclosed_quote(text: str, shown: str) -> None:
    with pytest.raises(CommandTextError) as raised:
        split_command(text)
    assert raised.value.message == f"A double quote is not closed: {shown}"
    assert isinstance(raised.value, ValueError)


def test_apostrophes_are_ordinary() -> None:
    assert split_command("Sean O'Brien role=Dev note=it's fine").head == "Sean O'Brien"
    assert split_command("Sean O'Brien role=Dev note=it's fine").options == (("role", "Dev"), ("note", "it's fine"))
    assert split_command("Sean O\u2019Brien").head == "Sean O\u2019Brien"


@pytest.mark.parametrize(
    "name", ["Zoë Ångström-Łukasz", "李小龍", "Дмитрий Шостакович", "محمد علي", "Ngũgĩ wa Thiong'o"]
)
def test_unicode_names(name: str) -> None:
    assert split_command(f"{name} stage=final role=Rôle") == CommandText(
        head=name, options=(("stage", "final"), ("role", "Rôle"))
    )


def test_unescape_is_applied_before_splitting() -> None:
    text = "Jane email=<mailto:jane@x.io|jane@x.io> linkedin=<https://linkedin.com/in/jane|linkedin.com/in/jane>"
    assert split_command(text).options == (("email", "jane@x.io"), ("linkedin", "https://linkedin.com/in/jane"))
    assert split_command("Tom &amp; Jerry note=&lt;3").head == "Tom & Jerry"
    assert split_command("Tom &amp; Jerry note=&lt;3").options == (("note", "<3"),)


def test_repeated_keys_are_kept_in_order() -> None:
    assert split_command("Jane role=a role=b").options == (("role", "a"), ("role", "b"))


def test_other_whitespace_separates_tokens() -> None:
    assert split_command("Jane\tDoe\nrole=x\u00a0stage=final") == CommandText(
        head="Jane Doe", options=(("role", "x"), ("stage", "final"))
    )
