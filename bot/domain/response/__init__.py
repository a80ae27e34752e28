"""回应 (Art. 19, issue 20): scripts (口径) and their two-leader approval, response plans (回应方案) signed off in
order, onward reports, and publications (发布) refused without those approvals. State is read from the timeline
(:mod:`.state`); who approves is :mod:`.approvers`; the commands are :mod:`.scripts`, :mod:`.plans` and
:mod:`.publications`. The API is written down in ``docs/response.md``."""

from bot.domain.response.channels import CHANNEL_LABELS, ONWARD_TARGETS, PLAN_WAYS, PublicationChannel
from bot.domain.response.plans import decide_plan, submit_plan
from bot.domain.response.publications import PublishResult, publish
from bot.domain.response.scripts import consent_onward, decide_script, report_onward, submit_script
from bot.domain.response.state import ResponseState, response_state

__all__ = ["CHANNEL_LABELS", "ONWARD_TARGETS", "PLAN_WAYS", "PublicationChannel", "PublishResult", "ResponseState",
           "consent_onward", "decide_plan", "decide_script", "publish", "report_onward", "response_state",
           "submit_plan", "submit_script"]
