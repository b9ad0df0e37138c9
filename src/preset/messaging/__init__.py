"""Messaging: one conversation per (gig, owner, applicant) (PRODUCT_RULES §5)."""
