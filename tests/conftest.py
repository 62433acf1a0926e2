"""Shared fixtures for the whole suite."""

import pytest


@pytest.fixture
def staff_groups(db):
    """The staff groups with the permissions seed_demo gives them, keyed by group name."""
    from academy.demo import seed_groups

    return seed_groups()
