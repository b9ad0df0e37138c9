-- PRODUCT_RULES §3 lets the owner (or an admin) cancel a draft, and a draft may have no schedule
-- and no roles yet. 0002's checks asked every status but draft for both, so cancelling such a
-- draft broke them (422 constraint_violation). What they protect is a gig that is or was live
-- (published, closed, completed): a cancelled gig is either a cancelled draft (nothing required)
-- or a cancelled live gig (which had both when it was published, and keeps them: a cancelled gig
-- is no longer editable).
SET LOCAL search_path = public, extensions;

ALTER TABLE public.gigs
    DROP CONSTRAINT gigs_looking_for_types_count,
    DROP CONSTRAINT gigs_published_has_schedule,
    ADD CONSTRAINT gigs_looking_for_types_count CHECK (
        cardinality(looking_for_types) <= 10
        AND (status IN ('draft', 'cancelled') OR cardinality(looking_for_types) >= 1)
    ),
    ADD CONSTRAINT gigs_published_has_schedule CHECK (
        status IN ('draft', 'cancelled') OR (start_time IS NOT NULL AND end_time IS NOT NULL)
    );
