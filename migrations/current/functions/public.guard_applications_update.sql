CREATE OR REPLACE FUNCTION public.guard_applications_update() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
    caller uuid := auth.uid();
    reviewer boolean;
BEGIN
    IF NOT public.application_transition_allowed(OLD.status, NEW.status) THEN
        RAISE EXCEPTION 'an application cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'applications_status_transition';
    END IF;
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'applications',
        ARRAY['id', 'gig_id', 'applicant_user_id', 'applied_at', 'profile_snapshot', 'compatibility_score'],
        'an application''s applicant, gig and snapshot are fixed when it is made');
    reviewer := public.owns_gig(OLD.gig_id) OR public.is_admin();
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NEW.status = 'withdrawn' THEN
            IF OLD.applicant_user_id IS DISTINCT FROM caller THEN
                RAISE EXCEPTION 'only the applicant can withdraw an application'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
        ELSIF NOT reviewer THEN
            RAISE EXCEPTION 'permission denied to change applications.status to %', NEW.status
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'an applicant can only withdraw their own application';
        END IF;
    END IF;
    IF NEW.note IS DISTINCT FROM OLD.note
       AND (OLD.applicant_user_id IS DISTINCT FROM caller OR OLD.status <> 'pending') THEN
        RAISE EXCEPTION 'permission denied to change applications.note'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'only the applicant edits the note, and only while the application is pending';
    END IF;
    IF (NEW.reviewed_at IS DISTINCT FROM OLD.reviewed_at OR NEW.reviewed_by IS DISTINCT FROM OLD.reviewed_by)
       AND (NOT reviewer OR NEW.reviewed_by IS DISTINCT FROM caller) THEN
        RAISE EXCEPTION 'permission denied to change applications.reviewed_by'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'the review is recorded by the gig owner or an admin, as themselves';
    END IF;
    RETURN NEW;
END
$$;
