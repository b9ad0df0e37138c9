"""Applications: talent applying to gigs, owners deciding (PRODUCT_RULES §4)."""
