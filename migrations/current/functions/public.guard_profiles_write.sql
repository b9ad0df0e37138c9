CREATE OR REPLACE FUNCTION public.guard_profiles_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
    protected text[] := ARRAY['is_verified', 'verification_badge', 'rating', 'review_count'];
    defaults jsonb := jsonb_build_object('is_verified', false, 'verification_badge', NULL,
                                         'rating', NULL, 'review_count', 0);
BEGIN
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM public.assert_unchanged(defaults, to_jsonb(NEW), 'profiles', protected,
            'verification and ratings are set by the platform');
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'profiles', ARRAY['id', 'user_id', 'created_at'],
        'a profile belongs to one user for good');
    IF OLD.user_id = auth.uid() OR NOT public.is_admin() THEN
        PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'profiles', protected,
            'verification and ratings are set by the platform');
    END IF;
    RETURN NEW;
END
$$;
