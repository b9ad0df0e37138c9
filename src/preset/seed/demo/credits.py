"""Demo credit history: allowances, purchases, AI usage and wallets that match their ledger."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from psycopg.types.json import Jsonb

from preset.constants import AI_OPERATION_PRICES, DEFAULT_AI_PROVIDER, TIER_LIMITS
from preset.seed.base import month_start
from preset.seed.demo.dataset import DemoDataset, demo_id, entity_rng
from preset.seed.demo.users import DemoUser


# ----------------------------------------------------------------------------------- credits
def _months_back(anchor: datetime, count: int) -> list[datetime]:
    starts = [month_start(anchor)]
    for _ in range(count - 1):
        starts.insert(0, month_start(starts[0] - timedelta(days=1)))
    return starts


def make_credit_history(dataset: DemoDataset, users: Sequence[DemoUser]) -> None:
    """Three months of allowances, purchases and AI usage per user, ledger and wallet in step."""
    anchor = dataset.anchor
    packages = ((10, "starter"), (25, "basic"), (50, "popular"), (100, "pro"))
    for user in users:
        rng = entity_rng(dataset.seed, "credits", user.index)
        balance = allowance_balance = purchased = used = 0
        last_purchase: datetime | None = None
        last_used: datetime | None = None
        sequence = 0

        def record(
            kind: str,
            amount: int,
            at: datetime,
            description: str,
            *,
            user: DemoUser = user,
            **extra: Any,
        ) -> None:
            nonlocal balance, sequence
            sequence += 1
            dataset.rows("credit_transactions").append(
                {
                    "id": demo_id("credit_tx", user.index, sequence),
                    "user_id": user.id,
                    "transaction_type": kind,
                    "amount": amount,
                    "balance_before": balance,
                    "balance_after": balance + amount,
                    "operation_type": extra.get("operation_type"),
                    "operation_id": extra.get("operation_id"),
                    "description": description,
                    "idempotency_key": f"demo:{kind}:{user.index}:{sequence}",
                    "created_at": at,
                }
            )
            balance += amount

        for period in _months_back(anchor, 3):
            if period < month_start(user.created_at):
                continue
            start = max(period, user.created_at)
            if allowance_balance:
                record("expiry", -allowance_balance, start, "Unused allowance expired")
                allowance_balance = 0
            allowance = TIER_LIMITS[user.tier].monthly_credit_allowance
            record("allowance", allowance, start, f"Monthly allowance ({user.tier})")
            allowance_balance = allowance
            period_end = min(anchor, month_start(period + timedelta(days=32)))
            span = int((period_end - start).total_seconds())
            if span <= 3600:
                continue
            moments = sorted(
                start + timedelta(seconds=rng.randint(60, span - 60))
                for _ in range(rng.randint(0, 6))
            )
            for moment in moments:
                if rng.random() < 0.15:
                    package_credits, slug = rng.choice(packages)
                    record(
                        "purchase",
                        package_credits,
                        moment,
                        f"Bought the {slug} credit package",
                        operation_type="credit_package",
                    )
                    purchased += package_credits
                    last_purchase = moment
                    continue
                operation = rng.choice(tuple(AI_OPERATION_PRICES))
                price = AI_OPERATION_PRICES[operation]
                if balance < price:
                    continue
                enhancement_id = demo_id("ai", user.index, sequence + 1)
                dataset.rows("ai_enhancements").append(
                    {
                        "id": enhancement_id,
                        "user_id": user.id,
                        "operation": operation,
                        "provider": DEFAULT_AI_PROVIDER,
                        "status": "succeeded",
                        "credits_cost": price,
                        "provider_credits_cost": Decimal(price),
                        "parameters": Jsonb({"strength": round(rng.uniform(0.3, 0.9), 2)}),
                        "idempotency_key": f"demo:ai:{enhancement_id}",
                        "attempts": 1,
                        "started_at": moment + timedelta(seconds=2),
                        "completed_at": moment + timedelta(seconds=rng.randint(5, 40)),
                        "created_at": moment,
                        "updated_at": moment,
                    }
                )
                record(
                    "usage",
                    -price,
                    moment,
                    f"AI {operation.replace('_', ' ')}",
                    operation_type="ai_enhancement",
                    operation_id=enhancement_id,
                )
                # The allowance is spent first (PRODUCT_RULES §8).
                allowance_balance -= min(allowance_balance, price)
                used += price
                last_used = moment
        dataset.rows("user_credits").append(
            {
                "id": demo_id("wallet", user.index),
                "user_id": user.id,
                "current_balance": balance,
                "total_purchased": purchased,
                "total_used": used,
                "last_purchase_at": last_purchase,
                "last_used_at": last_used,
                "allowance_balance": allowance_balance,
                "allowance_period_start": month_start(anchor),
                "created_at": user.created_at,
                "updated_at": user.created_at,
            }
        )
