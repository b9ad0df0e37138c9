"""Shared checks for seed tests: table row counts and ledger consistency."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tests.support.database import Database


def table_counts(db: Database) -> dict[str, int]:
    """Exact row counts of every table in `public` (audit_logs included)."""
    tables = [
        row["table_name"]
        for row in db.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        )
    ]
    counts: dict[str, int] = {}
    for table in tables:
        counts[table] = db.execute(f'SELECT count(*) AS n FROM public."{table}"')[0]["n"]
    return counts


def ledger_problems(db: Database) -> list[str]:
    """Every way a wallet disagrees with its ledger (empty when all is consistent)."""
    problems: list[str] = []
    wallets = {row["user_id"]: row for row in db.execute("SELECT * FROM user_credits")}
    by_user: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in db.execute("SELECT * FROM credit_transactions ORDER BY created_at"):
        by_user[row["user_id"]].append(row)
    for user_id in by_user.keys() - wallets.keys():
        problems.append(f"{user_id}: transactions without a wallet")
    for user_id, wallet in wallets.items():
        rows = by_user.get(user_id, [])
        total = sum(row["amount"] for row in rows)
        if total != wallet["current_balance"]:
            problems.append(f"{user_id}: balance {wallet['current_balance']} != sum {total}")
        purchased = sum(r["amount"] for r in rows if r["transaction_type"] == "purchase")
        used = -sum(r["amount"] for r in rows if r["transaction_type"] == "usage")
        if purchased != wallet["total_purchased"]:
            problems.append(
                f"{user_id}: total_purchased {wallet['total_purchased']} != {purchased}"
            )
        if used != wallet["total_used"]:
            problems.append(f"{user_id}: total_used {wallet['total_used']} != {used}")
        # The ledger is one chain from 0: each row starts where the previous one ended. Rows with
        # the same timestamp (an expiry and the next allowance) are ordered by that chain.
        balance, remaining = 0, list(rows)
        while remaining:
            earliest = remaining[0]["created_at"]
            candidates = [r for r in remaining if r["created_at"] == earliest]
            step = next((r for r in candidates if r["balance_before"] == balance), None)
            if step is None:
                problems.append(f"{user_id}: chain broken at {earliest} (balance {balance})")
                break
            if step["balance_after"] != step["balance_before"] + step["amount"]:
                problems.append(f"{user_id}: arithmetic broken in {step['id']}")
            balance = step["balance_after"]
            remaining.remove(step)
        if balance != wallet["current_balance"] and not remaining:
            problems.append(f"{user_id}: chain ends at {balance}")
    return problems
