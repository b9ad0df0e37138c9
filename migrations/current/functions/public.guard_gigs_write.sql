CREATE OR REPLACE FUNCTION public.guard_gigs_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' AND NOT public.is_platform() THEN
            RAISE EXCEPTION 'a gig starts as a draft' USING ERRCODE = 'check_violation',
                CONSTRAINT = 'gigs_status_transition';
        END IF;
        RETURN NEW;
    END IF;
    IF NOT public.gig_transition_allowed(OLD.status, NEW.status) THEN
        RAISE EXCEPTION 'a gig cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'gigs_status_transition';
    END IF;
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'gigs', ARRAY['id', 'owner_user_id', 'created_at'],
        'a gig belongs to its owner for good');
    RETURN NEW;
END
$$;
