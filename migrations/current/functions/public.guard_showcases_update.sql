CREATE OR REPLACE FUNCTION public.guard_showcases_update() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
    caller uuid := auth.uid();
BEGIN
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'showcases',
        ARRAY['id', 'gig_id', 'creator_user_id', 'talent_user_id', 'likes_count', 'views_count', 'created_at'],
        'the pair and the counters are kept by the platform');
    -- Each side approves for itself only.
    IF NEW.approved_by_creator_at IS DISTINCT FROM OLD.approved_by_creator_at AND caller IS DISTINCT FROM OLD.creator_user_id THEN
        RAISE EXCEPTION 'permission denied to change showcases.approved_by_creator_at'
            USING ERRCODE = 'insufficient_privilege', DETAIL = 'only the creator approves for the creator';
    END IF;
    IF NEW.approved_by_talent_at IS DISTINCT FROM OLD.approved_by_talent_at AND caller IS DISTINCT FROM OLD.talent_user_id THEN
        RAISE EXCEPTION 'permission denied to change showcases.approved_by_talent_at'
            USING ERRCODE = 'insufficient_privilege', DETAIL = 'only the talent approves for the talent';
    END IF;
    -- After publication the content is frozen; visibility may still be withdrawn.
    IF OLD.published_at IS NOT NULL THEN
        PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'showcases',
            ARRAY['media_ids', 'caption', 'tags', 'palette'],
            'a published showcase''s media and caption are frozen');
    END IF;
    RETURN NEW;
END
$$;
