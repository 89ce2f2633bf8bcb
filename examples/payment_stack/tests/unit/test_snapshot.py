"""The whole synthesized stack against its reviewed snapshot
(``__snapshots__/test_snapshot/test_stack_matches_the_reviewed_snapshot.tf.json``).

The other unit tests state what each requirement needs; this one catches every other change,
so a refactoring that changes nothing shows no difference and one that does is reviewed in the
pull request: a failure names each resource address and key that changed. Accept an intended
change with ``pytest tests/unit/test_snapshot.py --snapshot-update`` and commit the file.
"""


def test_stack_matches_the_reviewed_snapshot(iac_stack, iac_snapshot):
    assert iac_stack.to_json() == iac_snapshot
