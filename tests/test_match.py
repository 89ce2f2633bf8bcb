"""Matchers: literal pattern rules, every Match factory (a match and a non-match),
Capture, failure rendering and secret masking."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from pytest_iac.assertions.capture import Capture
from pytest_iac.assertions.match import Match
from pytest_iac.assertions.matchers import Matcher
from pytest_iac.assertions.result import Failure, MatchResult


def lines(pattern: Any, actual: Any) -> list[str]:
    """The rendered failure lines of matching ``actual`` against ``pattern``."""
    result = Match.evaluate(pattern, actual)
    assert not result.is_success
    return result.render().splitlines()


# -- literal patterns ---------------------------------------------------------------------


def test_plain_dict_is_partial_at_every_depth() -> None:
    actual = {"a": 1, "b": 2, "tags": {"Name": "x", "Env": "dev"}}
    assert Match.evaluate({"a": 1, "tags": {"Name": "x"}}, actual).is_success


def test_plain_dict_reports_each_difference_with_its_path() -> None:
    actual = {"bucket": "payments-logs-dev", "tags": {"Name": "y"}}
    assert lines({"bucket": "payments-dev", "force_destroy": False, "tags": {"Name": "x"}}, actual) == [
        'at /bucket: expected "payments-dev", got "payments-logs-dev"',
        "at /force_destroy: missing (expected false)",
        'at /tags/Name: expected "x", got "y"',
    ]


def test_plain_dict_against_non_object() -> None:
    assert lines({"a": 1}, [1]) == ["at /: expected an object, got [1]"]


def test_plain_list_matches_element_wise_with_partial_objects_inside() -> None:
    actual = {"ingress": [{"from_port": 443, "protocol": "tcp"}, {"from_port": 80, "protocol": "tcp"}]}
    assert Match.evaluate({"ingress": [{"from_port": 443}, {"from_port": 80}]}, actual).is_success


def test_plain_list_must_have_the_same_length() -> None:
    assert lines({"l": [1, 2]}, {"l": [1, 2, 3]}) == ["at /l/2: unexpected element 3"]
    assert lines({"l": [1, 2]}, {"l": [1]}) == ["at /l/1: missing element (expected 2)"]
    assert lines({"l": [1, 2]}, {"l": [2, 1]}) == ["at /l/0: expected 1, got 2", "at /l/1: expected 2, got 1"]


@pytest.mark.parametrize(
    ("pattern", "actual"),
    [(1, True), (True, 1), (0, False), ("1", 1), (None, 0), (1, None), ({"a": 1}, {"a": "1"})],
)
def test_literals_compare_with_their_json_type(pattern: Any, actual: Any) -> None:
    assert not Match.evaluate(pattern, actual).is_success


@pytest.mark.parametrize(("pattern", "actual"), [(1, 1.0), (None, None), ("x", "x"), (False, False)])
def test_equal_literals_match(pattern: Any, actual: Any) -> None:
    assert Match.evaluate(pattern, actual).is_success


def test_as_matcher_names_plain_patterns() -> None:
    assert Match.as_matcher({"a": 1}).name == "object_like"
    assert Match.as_matcher([1]).name == "array_equals"
    assert Match.as_matcher("x").name == "exact"
    any_value = Match.any_value()
    assert Match.as_matcher(any_value) is any_value


# -- Match factories ----------------------------------------------------------------------


def test_object_like_explicit_matches_superset() -> None:
    assert Match.evaluate(Match.object_like({"a": 1}), {"a": 1, "b": 2}).is_success
    assert lines(Match.object_like({"a": 1}), {"b": 2}) == ["at /a: missing (expected 1)"]


def test_object_like_rejects_a_non_dict_pattern() -> None:
    with pytest.raises(TypeError, match="object_like"):
        Match.object_like([1])  # type: ignore[arg-type]


def test_object_equals_rejects_extra_keys() -> None:
    assert Match.evaluate(Match.object_equals({"a": 1}), {"a": 1}).is_success
    assert lines(Match.object_equals({"a": 1}), {"a": 1, "b": 2}) == ["at /b: unexpected key (value 2)"]


def test_object_equals_makes_nested_plain_dicts_exact() -> None:
    pattern = Match.object_equals({"tags": {"Name": "x"}})
    assert lines(pattern, {"tags": {"Name": "x", "Env": "dev"}}) == ['at /tags/Env: unexpected key (value "dev")']


def test_object_equals_honours_a_nested_object_like() -> None:
    pattern = Match.object_equals({"tags": Match.object_like({"Name": "x"})})
    assert Match.evaluate(pattern, {"tags": {"Name": "x", "Env": "dev"}}).is_success


def test_exact_is_deep() -> None:
    assert Match.evaluate(Match.exact({"a": [{"b": 1}]}), {"a": [{"b": 1}]}).is_success
    assert lines(Match.exact({"a": [{"b": 1}]}), {"a": [{"b": 1, "c": 2}]}) == [
        "at /a/0/c: unexpected key (value 2)"
    ]
    assert lines(Match.exact("x"), "y") == ['at /: expected "x", got "y"']


def test_exact_honours_nested_matchers_but_cannot_wrap_one() -> None:
    assert Match.evaluate(Match.exact({"id": Match.any_value()}), {"id": "i-1"}).is_success
    with pytest.raises(TypeError, match="cannot directly wrap"):
        Match.exact(Match.any_value())


def test_array_with_is_an_ordered_subsequence() -> None:
    actual = ["a", "b", "c", "d"]
    assert Match.evaluate(Match.array_with(["b", "d"]), actual).is_success
    assert Match.evaluate(Match.array_with([]), actual).is_success
    result = Match.evaluate(Match.array_with(["d", "b"]), actual)
    assert result.render().splitlines() == ['at /4: no element left to match pattern [1] "b"']


def test_array_with_objects_are_partial_and_the_closest_element_is_shown() -> None:
    ingress = [{"from_port": 5432, "protocol": "udp"}, {"from_port": 443, "protocol": "udp"}]
    assert Match.evaluate(Match.array_with([{"from_port": 443}]), ingress).is_success
    assert lines(Match.array_with([{"from_port": 443, "protocol": "tcp"}]), ingress) == [
        'at /: no element matches pattern [0] {"from_port": 443, "protocol": "tcp"}; closest is element [1]',
        'at /1/protocol: expected "tcp", got "udp"',
    ]


def test_array_with_against_non_array_and_with_absent() -> None:
    assert lines(Match.array_with([1]), "x") == ['at /: expected an array, got "x"']
    with pytest.raises(ValueError, match="absent"):
        Match.array_with([Match.absent()])


def test_array_equals_needs_same_elements_in_order() -> None:
    assert Match.evaluate(Match.array_equals(["a", {"b": 1}]), ["a", {"b": 1, "c": 2}]).is_success
    assert lines(Match.array_equals(["a", "b"]), ["b", "a"])[0] == 'at /0: expected "a", got "b"'
    assert lines(Match.array_equals(["a"]), ["a", "b"]) == ['at /1: unexpected element "b"']


def test_any_value() -> None:
    for value in (0, "", False, [], {}):
        assert Match.evaluate({"k": Match.any_value()}, {"k": value}).is_success
    assert lines({"k": Match.any_value()}, {}) == ["at /k: missing (expected any value) [any_value]"]
    assert lines({"k": Match.any_value()}, {"k": None}) == ["at /k: expected any value, got null [any_value]"]


def test_absent() -> None:
    assert Match.evaluate({"k": Match.absent()}, {}).is_success
    assert Match.evaluate({"k": Match.absent()}, {"k": None}).is_success
    assert lines({"k": Match.absent()}, {"k": 1}) == ["at /k: expected absent, got 1 [absent]"]


def test_not() -> None:
    assert Match.evaluate({"engine": Match.not_("mysql")}, {"engine": "postgres"}).is_success
    assert Match.evaluate({"public": Match.not_(True)}, {}).is_success
    assert lines({"engine": Match.not_("postgres")}, {"engine": "postgres"}) == [
        'at /engine: expected not to match "postgres", got "postgres" [not]'
    ]


def test_not_with_a_dict_uses_partial_matching() -> None:
    assert not Match.evaluate(Match.not_({"a": 1}), {"a": 1, "b": 2}).is_success
    assert Match.evaluate(Match.not_({"a": 1}), {"a": 2, "b": 2}).is_success


def test_string_like_regexp_searches() -> None:
    assert Match.evaluate(Match.string_like_regexp(r"logs"), "payments-logs-dev").is_success
    assert Match.evaluate(Match.string_like_regexp(re.compile("^PAY", re.I)), "payments").is_success
    assert lines({"b": Match.string_like_regexp("^pay-")}, {"b": "logs"}) == [
        'at /b: expected a string matching regexp "^pay-", got "logs" [string_like_regexp]'
    ]
    assert lines(Match.string_like_regexp("1"), 1) == ['at /: expected a string matching regexp "1", got 1']


def test_string_like_regexp_rejects_a_bad_pattern_early() -> None:
    with pytest.raises(re.error):
        Match.string_like_regexp("(")


def test_serialized_json() -> None:
    policy = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}'
    assert Match.evaluate(Match.serialized_json({"Statement": [{"Effect": "Allow"}]}), policy).is_success
    assert lines({"policy": Match.serialized_json({"Statement": [{"Effect": "Deny"}]})}, {"policy": policy}) == [
        'at /policy<json>/Statement/0/Effect: expected "Deny", got "Allow" [serialized_json]'
    ]


def test_serialized_json_rejects_non_strings_and_invalid_json() -> None:
    assert lines(Match.serialized_json({}), {"a": 1}) == ['at /: expected a JSON string, got {"a": 1}']
    assert lines(Match.serialized_json({}), "{nope") == ['at /: expected a JSON string, got invalid JSON "{nope"']


def test_match_is_not_instantiable() -> None:
    with pytest.raises(TypeError, match="namespace"):
        Match()


def test_custom_matchers_plug_in() -> None:
    class Even(Matcher):
        name = "even"

        def test(self, actual: Any) -> MatchResult:
            result = MatchResult(actual, self.name)
            if not isinstance(actual, int) or actual % 2:
                result.fail(self, "expected an even number, got {actual}", actual=actual)
            return result

    assert Match.evaluate({"n": Even()}, {"n": 4}).is_success
    assert lines({"n": Even()}, {"n": 3}) == ["at /n: expected an even number, got 3 [even]"]
    assert repr(Even()) == "<even>"


# -- MatchResult & rendering --------------------------------------------------------------


def test_match_result_basics() -> None:
    ok = Match.evaluate({"a": 1}, {"a": 1})
    assert ok.is_success and ok.fail_count == 0 and ok.failures == () and ok.render() == "(match)"
    bad = Match.evaluate({"a": 1, "b": 2}, {})
    assert bad.fail_count == 2
    assert all(isinstance(f, Failure) for f in bad.failures)
    assert [f.path for f in bad.failures] == [("a",), ("b",)]
    assert bad.failures[0].matcher == "object_like"
    assert "2 failures" in repr(bad)


def test_render_indents_and_names_foreign_matchers_only() -> None:
    result = Match.evaluate({"a": 1, "b": Match.exact({"c": 1})}, {"a": 2, "b": {"c": 2}})
    assert result.render(indent="  ").splitlines() == [
        "  at /a: expected 1, got 2",
        "  at /b/c: expected 1, got 2 [exact]",
    ]
    assert result.render(root="exact").splitlines()[0] == "at /a: expected 1, got 2 [object_like]"


def test_paths_escape_slashes_like_json_pointer() -> None:
    assert lines({"a/b": {"c~d": 1}}, {"a/b": {"c~d": 2}}) == ["at /a~1b/c~0d: expected 1, got 2"]


def test_messages_are_deterministic() -> None:
    pattern = {"a": [1, {"b": Match.string_like_regexp("x")}], "c": Match.absent()}
    actual = {"a": [2, {"b": "y"}], "c": 3}
    assert Match.evaluate(pattern, actual).render() == Match.evaluate(pattern, actual).render()


def test_long_values_are_abridged() -> None:
    text = lines({"a": "x"}, {"a": "y" * 500})[0]
    assert text.startswith('at /a: expected "x", got "yyy') and text.endswith("...")
    assert len(text) < 260


# -- masking ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["password", "master_Password", "client_secret", "auth_token", "private_key", "AWS_ACCESS_KEY",
            "secret_key", "x_api_key", "db_credentials"],
)
def test_values_under_sensitive_keys_are_masked(key: str) -> None:
    result = Match.evaluate({key: "guess"}, {key: "hunter2"})
    assert result.render() == f'at /{key}: expected "***", got "***"'


def test_masking_covers_nested_values_and_the_whole_subtree() -> None:
    text = "\n".join(lines(Match.not_({"a": 1}), {"a": 1, "db": {"password": "hunter2", "user": "u"}}))
    assert "hunter2" not in text and '"password": "***"' in text and '"user": "u"' in text
    assert lines({"credentials": {"user": "u"}}, {"credentials": {"user": "hunter2"}}) == [
        'at /credentials/user: expected "***", got "***"'
    ]


def test_missing_sensitive_value_is_masked_and_render_can_mask_everything() -> None:
    assert lines({"token": "abc"}, {}) == ['at /token: missing (expected "***")']
    result = Match.evaluate({"name": "a"}, {"name": "b"})
    assert result.render(mask=True) == 'at /name: expected "***", got "***"'
    assert result.render() == 'at /name: expected "a", got "b"'


def test_sensitive_keys_in_patterns_are_masked_in_matcher_descriptions() -> None:
    described = repr(Match.object_like({"password": "p", "user": "u"}))
    assert described == '<object_like {"password": "***", "user": "u"}>'


def test_passwordless_keys_are_not_masked() -> None:
    assert lines({"passenger": "a"}, {"passenger": "b"}) == ['at /passenger: expected "a", got "b"']


# -- Capture ------------------------------------------------------------------------------


def test_capture_records_the_matched_value() -> None:
    name, port = Capture(), Capture()
    assert Match.evaluate({"name": name, "port": port}, {"name": "db", "port": 5432}).is_success
    assert name.as_string() == "db"
    assert port.as_number() == 5432
    assert name.values == ["db"]


def test_capture_type_accessors() -> None:
    flag, items, obj = Capture(), Capture(), Capture()
    Match.evaluate({"f": flag, "l": items, "o": obj}, {"f": True, "l": [1, 2], "o": {"k": "v"}})
    assert flag.as_boolean() is True
    assert items.as_array() == [1, 2]
    assert obj.as_object() == {"k": "v"}


def test_capture_wrong_type_and_nothing_captured_are_clear_errors() -> None:
    cap = Capture()
    with pytest.raises(AssertionError, match="no value captured"):
        cap.as_string()
    Match.evaluate({"f": cap}, {"f": True})
    with pytest.raises(AssertionError, match=r"expected to be number but is boolean: true"):
        cap.as_number()
    with pytest.raises(AssertionError, match="expected to be string"):
        cap.as_string()


def test_capture_wrong_type_error_masks_sensitive_values() -> None:
    cap = Capture()
    Match.evaluate({"db": {"password": cap}}, {"db": {"password": 12345}})
    with pytest.raises(AssertionError) as info:
        cap.as_string()
    assert "12345" not in str(info.value) and '"***"' in str(info.value)


def test_capture_next_iterates_multiple_values() -> None:
    cap = Capture()
    ports = [{"port": 80}, {"port": 443}]
    assert Match.evaluate(Match.array_with([{"port": cap}, {"port": cap}]), ports).is_success
    assert cap.as_number() == 80
    assert cap.next() is True
    assert cap.as_number() == 443
    assert cap.next() is False
    assert cap.as_number() == 443
    assert cap.values == [80, 443]


def test_capture_keeps_values_only_from_successful_overall_matches() -> None:
    cap = Capture()
    assert not Match.evaluate({"a": cap, "b": 1}, {"a": "x", "b": 2}).is_success
    assert cap.values == []
    assert Match.evaluate({"a": cap, "b": 1}, {"a": "y", "b": 1}).is_success
    assert cap.values == ["y"]


def test_capture_needs_finish_to_commit_and_finish_is_idempotent() -> None:
    cap = Capture()
    result = Match.as_matcher({"a": cap}).test({"a": 1})
    assert cap.values == []
    result.finish().finish()
    assert cap.values == [1]


def test_capture_inside_not_and_in_failed_array_attempts_is_discarded() -> None:
    inside_not, in_array = Capture(), Capture()
    assert Match.evaluate({"a": Match.not_({"b": inside_not, "c": 1})}, {"a": {"b": 1, "c": 2}}).is_success
    assert inside_not.values == []
    elements = [{"n": 1, "ok": False}, {"n": 2, "ok": True}]
    assert Match.evaluate(Match.array_with([{"n": in_array, "ok": True}]), elements).is_success
    assert in_array.values == [2]


def test_capture_with_pattern_only_captures_matching_values() -> None:
    arn = Capture(Match.string_like_regexp("^arn:"))
    assert Match.evaluate({"k": arn}, {"k": "arn:aws:kms:x"}).is_success
    assert lines({"k": Capture(Match.string_like_regexp("^arn:"))}, {"k": "nope"}) == [
        'at /k: expected a string matching regexp "^arn:", got "nope" [string_like_regexp]'
    ]
    tags = Capture({"Name": "x"})
    assert Match.evaluate({"tags": tags}, {"tags": {"Name": "x", "Env": "dev"}}).is_success
    assert tags.as_object() == {"Name": "x", "Env": "dev"}


def test_capture_refuses_null_and_missing() -> None:
    assert lines({"k": Capture()}, {"k": None}) == [
        "at /k: expected a non-null value to capture, got null [capture]"
    ]
    assert lines({"k": Capture()}, {}) == ["at /k: missing (expected <capture>) [capture]"]


def test_captured_values_are_copies() -> None:
    cap = Capture()
    actual = {"tags": {"Name": "x"}}
    Match.evaluate({"tags": cap}, actual)
    cap.as_object()["Name"] = "changed"
    cap.values[0]["Name"] = "changed"
    assert cap.as_object() == {"Name": "x"}
    assert actual == {"tags": {"Name": "x"}}


# -- matches(): the success-only screen ------------------------------------------------------


def _value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth < 2 and roll < 0.2:
        return {rng.choice("abc"): _value(rng, depth + 1) for _ in range(rng.randrange(3))}
    if depth < 2 and roll < 0.4:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(3))]
    return rng.choice([0, 1, 1.0, True, False, None, "", "a", "arn:x", '{"a": 1}', "{nope"])


def _pattern(rng: random.Random, like: Any, depth: int = 0) -> Any:
    """A pattern near ``like`` (so that some match), built from every kind of matcher."""
    if isinstance(like, dict) and like and rng.random() < 0.6:
        inner = {k: _pattern(rng, v, depth + 1) for k, v in like.items() if rng.random() < 0.8}
        if rng.random() < 0.2:
            inner[rng.choice("abcd")] = _value(rng)
        return rng.choice([inner, inner, Match.object_like(inner), Match.object_equals(inner), Capture(inner)])
    if isinstance(like, list) and rng.random() < 0.6:
        items = [_pattern(rng, v, depth + 1) for v in like]
        if not any(isinstance(i, type(Match.absent())) for i in items):
            return rng.choice([items, Match.array_equals(items), Match.array_with(items[: rng.randrange(len(items) + 1)])])
        return items
    makers = [lambda: like, lambda: like, lambda: _value(rng), Match.any_value, Match.absent, Capture,
              lambda: Match.not_(_pattern(rng, like, depth + 1)), lambda: Match.string_like_regexp("^a"),
              lambda: Match.serialized_json({"a": rng.choice([1, Match.any_value()])}),
              lambda: Capture(_pattern(rng, like, depth + 1)), lambda: Match.exact(1 if like is None else like)]
    return rng.choice(makers[:3] + makers[3:] if depth < 3 else makers[:3])()


def test_matches_agrees_with_test_and_captures_nothing() -> None:
    rng = random.Random(6)
    agreed = {True: 0, False: 0}
    for _ in range(4000):
        actual = _value(rng)
        like = actual if rng.random() < 0.7 else _value(rng)
        matcher = Match.as_matcher(_pattern(rng, like))
        verdict = matcher.matches(actual)
        assert verdict is matcher.test(actual).is_success, (matcher, actual)
        agreed[verdict] += 1
    assert min(agreed.values()) > 500  # both verdicts were exercised
    cap = Capture()
    assert Match.as_matcher({"a": cap}).matches({"a": 1}) and cap.values == []


def test_matches_of_a_missing_key_follows_test() -> None:
    from pytest_iac.assertions.values import MISSING

    for matcher in (Match.as_matcher(1), Match.as_matcher({}), Match.as_matcher([]), Match.any_value(), Match.absent(),
                    Match.not_(1), Match.string_like_regexp(""), Match.serialized_json({}), Capture(), Capture(1)):
        assert matcher.matches(MISSING) is matcher.test(MISSING).is_success, matcher


def test_a_subclass_that_redefines_test_is_screened_by_its_own_test() -> None:
    class Shouting(Capture):
        def test(self, actual: Any) -> MatchResult:
            result = MatchResult(actual, self.name)
            if actual != "LOUD":
                result.fail(self, "expected shouting, got {actual}", actual=actual)
            return result

    class Even(Matcher):
        name = "even"

        def test(self, actual: Any) -> MatchResult:
            result = MatchResult(actual, self.name)
            if actual % 2:
                result.fail(self, "odd")
            return result

    assert Shouting().matches("LOUD") and not Shouting().matches("quiet")
    assert Match.as_matcher({"n": Even()}).matches({"n": 2}) and not Match.as_matcher([Even()]).matches([3])
