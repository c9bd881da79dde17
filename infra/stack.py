"""The CloudFormation stack: what is deployed now, what a deploy would change, and changing it.

A real deploy goes through a change set, printed before it is executed. `--dry-run` may not
create even a change set, so its summary is worked out here from the deployed template
(`GetTemplate`, read-only) and the local one: resources added, removed, or changed (their
definition differs, or they use a parameter whose value changes).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from infra.template import parse_template, references

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient

BUSY = ("_IN_PROGRESS",)
STUCK = ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED", "UPDATE_ROLLBACK_FAILED")
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
WAIT = {"Delay": 10, "MaxAttempts": 360}
"""One hour at most: a first CloudFront distribution alone takes several minutes."""


class DeployFailed(Exception):
    """A deploy stopped; the problems say why and what to do, for the command line to print."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class StackState:
    name: str
    status: str
    outputs: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)


def describe_stack(cfn: CloudFormationClient, name: str) -> StackState | None:
    """The stack as deployed, or None when there is none by that name."""
    from botocore.exceptions import ClientError

    try:
        stacks = cfn.describe_stacks(StackName=name)["Stacks"]
    except ClientError as err:
        if "does not exist" in str(err):
            return None
        raise
    # REVIEW_IN_PROGRESS: a first change set was made but never executed; nothing exists yet,
    # and the next deploy creates the stack with a new CREATE change set.
    if not stacks or stacks[0]["StackStatus"] in ("DELETE_COMPLETE", "REVIEW_IN_PROGRESS"):
        return None
    stack = stacks[0]
    outputs = {o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs", [])}
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
    return StackState(name, stack["StackStatus"], outputs, parameters)


def check_deployable(state: StackState | None) -> None:
    if state is None:
        return
    if state.status.endswith(BUSY):
        raise DeployFailed([f"stack {state.name} is {state.status}: wait until it settles, then deploy again"])
    if state.status in STUCK:
        raise DeployFailed([f"stack {state.name} is {state.status} and cannot be updated",
                            "look at its events in the CloudFormation console; a first deploy that rolled "
                            f"back needs `aws cloudformation delete-stack --stack-name {state.name}` first "
                            "(tables and buckets are retained)"])  # fmt: skip


def stack_parameters(
    template: dict[str, Any], given: Mapping[str, str], state: StackState | None
) -> list[dict[str, Any]]:
    """Parameters for a change set: the given ones; on an update, every other one as it was
    (left out, CloudFormation would reset it to its default, e.g. wipe an alarm address)."""
    result: list[dict[str, Any]] = []
    for key in template.get("Parameters", {}):
        if key in given:
            result.append({"ParameterKey": key, "ParameterValue": given[key]})
        elif state is not None and key in state.parameters:
            result.append({"ParameterKey": key, "UsePreviousValue": True})
    return result


def planned_changes(cfn: CloudFormationClient, state: StackState | None, template: dict[str, Any],
                    given: Mapping[str, str]) -> list[str]:  # fmt: skip
    """One line per resource the deploy would add, change or remove; read-only."""
    resources: dict[str, Any] = template["Resources"]
    if state is None:
        return [f"add     {name} ({body.get('Type')})" for name, body in resources.items()]
    body = cfn.get_template(StackName=state.name, TemplateStage="Original")["TemplateBody"]
    deployed = parse_template(body) if isinstance(body, str) else dict(body)
    before: dict[str, Any] = deployed.get("Resources", {})
    changed_params = {k for k, v in given.items() if state.parameters.get(k) != v}
    lines: list[str] = []
    for name, resource in resources.items():
        if name not in before:
            lines.append(f"add     {name} ({resource.get('Type')})")
        elif before[name] != resource:
            lines.append(f"modify  {name} ({resource.get('Type')}): definition changed")
        elif uses := sorted(references(resource) & changed_params):
            lines.append(f"modify  {name} ({resource.get('Type')}): {', '.join(uses)} changed")
    lines.extend(f"remove  {name} ({before[name].get('Type')})" for name in before if name not in resources)
    return lines


def _failure_reasons(cfn: CloudFormationClient, stack: str, limit: int = 5) -> list[str]:
    events = cfn.describe_stack_events(StackName=stack).get("StackEvents", [])
    failed = [e for e in events if str(e.get("ResourceStatus", "")).endswith("_FAILED")]
    return [f"{e.get('LogicalResourceId')}: {e.get('ResourceStatusReason', '')}" for e in failed[:limit]]


def _create_change_set(cfn: CloudFormationClient, state: StackState | None, name: str, change_set: str,
                       template: dict[str, str], parameters: list[dict[str, Any]]) -> bool:  # fmt: skip
    """Create the change set and wait for it; False when CloudFormation finds nothing to change."""
    from botocore.exceptions import ClientError, WaiterError

    try:
        cfn.create_change_set(StackName=name, ChangeSetName=change_set, ChangeSetType="UPDATE" if state else "CREATE",
                              Parameters=parameters, Capabilities=["CAPABILITY_IAM"], **template)  # fmt: skip
    except ClientError as err:
        if any(phrase in str(err) for phrase in NO_CHANGES):
            return False
        raise
    try:
        cfn.get_waiter("change_set_create_complete").wait(StackName=name, ChangeSetName=change_set, WaiterConfig=WAIT)
    except WaiterError as err:
        described = cfn.describe_change_set(StackName=name, ChangeSetName=change_set)
        reason = str(described.get("StatusReason", err))
        if any(phrase in reason for phrase in NO_CHANGES):
            cfn.delete_change_set(StackName=name, ChangeSetName=change_set)
            return False
        raise DeployFailed([f"change set for {name} failed: {reason}"]) from err
    return True


def apply_change_set(cfn: CloudFormationClient, state: StackState | None, name: str, template: dict[str, str],
                     parameters: list[dict[str, Any]], echo: Callable[[str], None]) -> bool:  # fmt: skip
    """Create a change set, print it, execute it and wait; False when there was nothing to change.

    `template` is `{"TemplateBody": ...}` or `{"TemplateURL": ...}`."""
    from botocore.exceptions import WaiterError

    change_set = f"palaute-{time.strftime('%Y%m%d-%H%M%S')}"
    if not _create_change_set(cfn, state, name, change_set, template, parameters):
        echo(f"stack {name}: no changes")
        return False
    for change in cfn.describe_change_set(StackName=name, ChangeSetName=change_set).get("Changes", []):
        detail = change.get("ResourceChange", {})
        replace = " (replacement)" if detail.get("Replacement") == "True" else ""
        action = str(detail.get("Action", "?")).lower()
        echo(f"  {action:<8}{detail.get('LogicalResourceId')} ({detail.get('ResourceType')}){replace}")
    cfn.execute_change_set(StackName=name, ChangeSetName=change_set)
    kind = "update" if state else "create"
    echo(f"stack {name}: {kind} running (a new CloudFront distribution takes several minutes)")
    try:
        cfn.get_waiter(f"stack_{kind}_complete").wait(StackName=name, WaiterConfig=WAIT)
    except WaiterError as err:
        raise DeployFailed([f"stack {name} did not {kind}", *_failure_reasons(cfn, name)]) from err
    return True
