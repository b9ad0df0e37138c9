CREATE OR REPLACE FUNCTION public.guard_conversations_update() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
    caller uuid := auth.uid();
BEGIN
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'conversations',
        ARRAY['id', 'gig_id', 'participants', 'created_at'], 'a conversation''s parties are fixed');
    IF NEW.blocked_by IS DISTINCT FROM OLD.blocked_by THEN
        IF (OLD.blocked_by IS NULL AND NEW.blocked_by IS DISTINCT FROM caller)
           OR (OLD.blocked_by IS NOT NULL AND OLD.blocked_by IS DISTINCT FROM caller) THEN
            RAISE EXCEPTION 'permission denied to change conversations.blocked_by'
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'a participant blocks as themselves, and only the one who blocked unblocks';
        END IF;
    END IF;
    IF (SELECT array_agg(x ORDER BY x) FROM unnest(NEW.archived_by) x WHERE x <> caller)
       IS DISTINCT FROM (SELECT array_agg(x ORDER BY x) FROM unnest(OLD.archived_by) x WHERE x <> caller) THEN
        RAISE EXCEPTION 'permission denied to change conversations.archived_by'
            USING ERRCODE = 'insufficient_privilege', DETAIL = 'each participant archives only for themselves';
    END IF;
    RETURN NEW;
END
$$;
