"""Flag groups (cli/options.py): a record whose fields are flags, declared once and
expanded by @with_flags into one Typer option each."""

import inspect

import pytest

from llmplan.cli.filter_input import FilterFlags
from llmplan.cli.options import FlagGroup, flag, group_flags, with_flags, with_only
from llmplan.cli.plan_input import PlanFlags


def test_each_field_takes_its_flag_in_declaration_order():
    class Demo(FlagGroup, frozen=True):
        size: str | None = flag("--size", str, "How big.", "N")
        loud: bool = flag("--loud", bool, "Shout.", switch=True)

    assert list(group_flags(Demo)) == ["size", "loud"] == list(Demo.__struct_fields__)
    assert [f.option for f in group_flags(Demo).values()] == ["--size", "--loud"]
    assert Demo() == Demo(size=None, loud=False)  # not given: None, a switch False


def test_a_field_without_flag_is_refused_when_the_group_is_defined():
    with pytest.raises(TypeError, match="declared with flag"):
        class Broken(FlagGroup, frozen=True):
            size: str | None = flag("--size", str, "How big.", "N")
            plain: int = 0


def test_the_real_groups_declare_every_field():
    for group in (PlanFlags, FilterFlags):
        assert list(group_flags(group)) == list(group.__struct_fields__)


def test_with_flags_shows_one_option_a_field_and_calls_with_the_record():
    seen = {}

    def command(*, filters: FilterFlags, top: int = 3):
        seen.update(filters=filters, top=top)

    wrapped = with_flags(command)
    names = list(inspect.signature(wrapped).parameters)
    assert names == ["top", *group_flags(FilterFlags)]
    wrapped(top=1, **{name: (True if f.switch else None) for name, f in group_flags(FilterFlags).items()})
    assert seen["top"] == 1 and type(seen["filters"]) is FilterFlags and seen["filters"].hipaa is True


def test_with_only_shows_a_subset_and_still_builds_the_whole_record():
    def command(*, filters: with_only(FilterFlags, "hipaa")):
        return filters

    wrapped = with_flags(command)
    assert list(inspect.signature(wrapped).parameters) == ["hipaa"]
    record = wrapped(hipaa=True)
    assert type(record) is FilterFlags and record == FilterFlags(hipaa=True)
