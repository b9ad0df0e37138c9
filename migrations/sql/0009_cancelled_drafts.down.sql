-- Back to 0002's checks. A draft cancelled without a schedule or roles breaks them, so such gigs
-- must be dealt with (deleted, or given a schedule and roles) before this runs; it fails
-- otherwise rather than silently dropping data.
SET LOCAL search_path = public, extensions;

ALTER TABLE public.gigs
    DROP CONSTRAINT gigs_looking_for_types_count,
    DROP CONSTRAINT gigs_published_has_schedule,
    ADD CONSTRAINT gigs_looking_for_types_count CHECK (
        cardinality(looking_for_types) <= 10
        AND (status = 'draft' OR cardinality(looking_for_types) >= 1)
    ),
    ADD CONSTRAINT gigs_published_has_schedule CHECK (
        status = 'draft' OR (start_time IS NOT NULL AND end_time IS NOT NULL)
    );
