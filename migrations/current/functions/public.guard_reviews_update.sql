CREATE OR REPLACE FUNCTION public.guard_reviews_update() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'reviews',
        ARRAY['id', 'gig_id', 'reviewer_id', 'reviewee_id', 'created_at'], 'a review''s parties are fixed');
    IF NOT public.is_admin() THEN
        PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'reviews',
            ARRAY['is_public'], 'only an admin hides a review');
    END IF;
    RETURN NEW;
END
$$;
