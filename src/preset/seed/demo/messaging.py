"""Demo conversations between gig owners and applicants, and their messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from preset.seed.demo.applications import DemoApplication
from preset.seed.demo.dataset import DemoDataset, Row, demo_id, entity_rng
from preset.seed.demo.vocabulary import OWNER_LINES, TALENT_LINES


# ----------------------------------------------------------------------------------- messaging
def make_conversations(dataset: DemoDataset, applications: Sequence[DemoApplication]) -> None:
    anchor = dataset.anchor
    for application in applications:
        rng = entity_rng(dataset.seed, "conversation", application.id)
        if application.status != "accepted" and rng.random() > 0.6:
            continue
        owner_id = application.gig["owner_user_id"]
        talent_id = application.talent.id
        conversation_id = demo_id("conversation", application.gig["id"], talent_id)
        status, blocked_by, archived_by = "active", None, []
        roll = rng.random()
        if roll < 0.02:
            status, blocked_by = "blocked", rng.choice((owner_id, talent_id))
        elif roll < 0.08:
            archived_by = [rng.choice((owner_id, talent_id))]
        sent_at = application.applied_at
        messages: list[Row] = []
        for number in range(rng.randint(1, 8)):
            from_talent = number % 2 == 0
            sent_at = sent_at + timedelta(minutes=rng.randint(3, 600))
            if sent_at >= anchor:
                break
            body = rng.choice(TALENT_LINES if from_talent else OWNER_LINES)
            messages.append(
                {
                    "id": demo_id("message", conversation_id, number),
                    "conversation_id": conversation_id,
                    "from_user_id": talent_id if from_talent else owner_id,
                    "to_user_id": owner_id if from_talent else talent_id,
                    "body": body,
                    "sent_at": sent_at,
                    "read_at": (
                        sent_at + timedelta(minutes=rng.randint(1, 240))
                        if rng.random() < 0.85
                        else None
                    ),
                }
            )
        for message in messages:
            if message["read_at"] is not None and message["read_at"] > anchor:
                message["read_at"] = None
        dataset.rows("conversations").append(
            {
                "id": conversation_id,
                "gig_id": application.gig["id"],
                "participants": [owner_id, talent_id],
                "status": status,
                "last_message_at": messages[-1]["sent_at"] if messages else None,
                "blocked_by": blocked_by,
                "archived_by": archived_by,
                "created_at": application.applied_at,
                "updated_at": messages[-1]["sent_at"] if messages else application.applied_at,
            }
        )
        dataset.rows("messages").extend(messages)
        if messages:
            dataset.links.append(
                ("conversations", conversation_id, "last_message_id", messages[-1]["id"])
            )
