CREATE OR REPLACE FUNCTION public.guard_notifications_update() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'notifications',
        ARRAY['id', 'user_id', 'type', 'title', 'body', 'data', 'source_event_id', 'emailed_at', 'created_at'],
        'a notification''s recipient only marks it read');
    RETURN NEW;
END
$$;
