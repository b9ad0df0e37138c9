-- "max_applicants never drops below the current number of applications" (§3), for everyone.
CREATE OR REPLACE FUNCTION public.gigs_guard_max_applicants() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    taken integer;
BEGIN
    PERFORM pg_advisory_xact_lock(4101, hashtext(NEW.id::text));
    SELECT count(*) INTO taken FROM public.applications
     WHERE gig_id = NEW.id AND status <> 'withdrawn';
    IF taken > NEW.max_applicants THEN
        RAISE EXCEPTION 'max_applicants % is below the % applications the gig has', NEW.max_applicants, taken
            USING ERRCODE = 'check_violation', CONSTRAINT = 'gigs_max_applicants_below_applications';
    END IF;
    RETURN NEW;
END
$$;
