CREATE OR REPLACE FUNCTION public.guard_image_types_update() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'user_image_type_library',
        ARRAY['id', 'user_id', 'created_at'], 'an image type belongs to one user');
    IF NOT public.is_admin() THEN
        PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'user_image_type_library',
            ARRAY['is_flagged', 'usage_count'], 'screening flags and counters are kept by the platform');
    END IF;
    RETURN NEW;
END
$$;
