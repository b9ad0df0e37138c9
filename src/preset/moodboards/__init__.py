"""Moodboards: a gig's visual brief (PRODUCT_RULES §7)."""
