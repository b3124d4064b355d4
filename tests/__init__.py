"""Pytest rewrites the asserts of testkit's helpers too, so a failing check inside one says what it compared."""

import pytest

pytest.register_assert_rewrite("testkit")
