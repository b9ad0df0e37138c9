-- The status of `target_user`'s application to `target_gig`, or NULL when there is none. Only
-- answers the applicant themself and the gig's owner, so it reveals nothing RLS would hide.
CREATE OR REPLACE FUNCTION public.application_status_of(target_gig UUID, target_user UUID) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT a.status FROM public.applications a
     WHERE a.gig_id = target_gig AND a.applicant_user_id = target_user
       AND (target_user = auth.uid()
            OR EXISTS (SELECT 1 FROM public.gigs g WHERE g.id = target_gig AND g.owner_user_id = auth.uid()))
$$;
