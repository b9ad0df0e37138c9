CREATE OR REPLACE FUNCTION public.applications_enforce_capacity() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    cap integer;
    taken integer;
BEGIN
    -- Requests only (the role GUC survives into a SECURITY DEFINER body): the platform's own
    -- bulk loads and repairs are not throttled by a per-row lock and count.
    IF coalesce(current_setting('role', true), 'none') NOT IN ('anon', 'authenticated') THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(4101, hashtext(NEW.gig_id::text));
    SELECT max_applicants INTO cap FROM public.gigs WHERE id = NEW.gig_id;
    SELECT count(*) INTO taken FROM public.applications
     WHERE gig_id = NEW.gig_id AND status <> 'withdrawn';
    IF cap IS NOT NULL AND taken >= cap THEN
        RAISE EXCEPTION 'the gig already has % of % applications', taken, cap
            USING ERRCODE = 'check_violation', CONSTRAINT = 'applications_gig_full';
    END IF;
    RETURN NEW;
END
$$;
