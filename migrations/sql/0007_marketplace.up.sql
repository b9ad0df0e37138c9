-- The gig marketplace (PRODUCT_RULES §3, §4): capacity rules the database itself enforces, so
-- that concurrent requests cannot exceed them whatever the application code does.
--
-- "Fewer than max_applicants non-withdrawn applications": a talent cannot see other talents'
-- applications (row level security) and cannot lock the gig row (SELECT … FOR UPDATE needs
-- UPDATE rights), so the count happens here, with the owner's rights, after a transaction-level
-- advisory lock on the gig: concurrent applications to one gig queue on that lock and each one
-- counts what the previous ones committed. The lock key is (4101, hashtext(gig id)), the same
-- key the API takes (preset.constants.LOCK_GIG_APPLICATIONS).
SET LOCAL search_path = public, extensions;

CREATE FUNCTION public.applications_enforce_capacity() RETURNS trigger
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
REVOKE ALL ON FUNCTION public.applications_enforce_capacity() FROM PUBLIC;
CREATE TRIGGER applications_capacity BEFORE INSERT ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_enforce_capacity();

-- "max_applicants never drops below the current number of applications" (§3), for everyone.
CREATE FUNCTION public.gigs_guard_max_applicants() RETURNS trigger
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
REVOKE ALL ON FUNCTION public.gigs_guard_max_applicants() FROM PUBLIC;
CREATE TRIGGER gigs_max_applicants_guard BEFORE UPDATE OF max_applicants ON gigs
    FOR EACH ROW WHEN (NEW.max_applicants < OLD.max_applicants)
    EXECUTE FUNCTION gigs_guard_max_applicants();

-- The owner's list of applications by date and the applicant's own list, keyset-paged
-- (GET /api/gigs/{id}/applications, GET /api/applications/mine).
CREATE INDEX idx_applications_gig_applied ON applications (gig_id, applied_at DESC, id DESC);
