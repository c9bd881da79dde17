"""The loader's own `resolve` tags every scalar exactly as PyYAML's would with the same tables."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from site_builder.load import _CoreSchemaLoader

SAMPLES = ["", "~", "null", "Null", "true", "False", "yes", "0", "-1", "+0x1F", "0o17", "0b101", "1_000", "1.5",
           ".inf", "-.Inf", ".nan", "1e3", "2024-05-01", "2024-5-1 10:00:00", "<<", "<", "text", "n",
           " 1", "1 "]  # fmt: skip


def both(value: str, implicit: tuple[bool, bool]) -> tuple[str, str]:
    loader = _CoreSchemaLoader("")
    try:
        return loader.resolve(ScalarNode, value, implicit), yaml.resolver.BaseResolver.resolve(
            loader, ScalarNode, value, implicit
        )
    finally:
        loader.dispose()


@pytest.mark.parametrize("value", SAMPLES)
@pytest.mark.parametrize("implicit", [(True, False), (False, True), (False, False), (True, True)])
def test_known_scalars_get_pyyamls_tag(value: str, implicit: tuple[bool, bool]) -> None:
    ours, theirs = both(value, implicit)
    assert ours == theirs


@given(st.text(alphabet="0123456789+-._eExXoObB<~:TtZ nulNLfaseFAS", max_size=24), st.booleans())
def test_any_scalar_gets_pyyamls_tag(value: str, plain: bool) -> None:
    ours, theirs = both(value, (plain, not plain))
    assert ours == theirs


@pytest.mark.parametrize("kind", [MappingNode, SequenceNode])
def test_collections_get_pyyamls_tag(kind: type) -> None:
    loader = _CoreSchemaLoader("")
    try:
        assert loader.resolve(kind, None, (False, False)) == yaml.resolver.BaseResolver.resolve(
            loader, kind, None, (False, False)
        )
    finally:
        loader.dispose()
