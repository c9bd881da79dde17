"""Views copied with a few fields changed: the same as `dataclasses.replace`, the original untouched."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field, replace

import pytest

from site_builder.page_views import replaced


@dataclass(frozen=True)
class Plain:
    title: str
    links: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Checked:
    title: str

    def __post_init__(self) -> None:
        if not self.title:
            raise ValueError("a title")


def test_a_copy_equals_what_dataclasses_replace_makes_and_leaves_the_original_as_it_was() -> None:
    original = Plain("Kauppa", ["fi"])
    copy = replaced(original, title="Butik")
    assert copy == replace(original, title="Butik") == Plain("Butik", ["fi"])
    assert original == Plain("Kauppa", ["fi"])
    assert type(copy) is Plain
    with pytest.raises(FrozenInstanceError):
        copy.title = "x"  # type: ignore[misc]


def test_a_view_whose_init_does_more_is_copied_through_it() -> None:
    with pytest.raises(ValueError, match="a title"):
        replaced(Checked("Kauppa"), title="")
    assert replaced(Checked("Kauppa"), title="Butik") == Checked("Butik")


def test_an_unknown_field_is_refused_as_dataclasses_replace_refuses_it() -> None:
    with pytest.raises(TypeError):
        replaced(Plain("Kauppa"), heading="x")
