-- The owner of a gig or one of its accepted talent: entitled to the gig's private media.
CREATE OR REPLACE FUNCTION public.is_gig_participant(target_gig UUID) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT EXISTS (SELECT 1 FROM public.gigs WHERE id = target_gig AND owner_user_id = auth.uid())
        OR EXISTS (
            SELECT 1 FROM public.applications
             WHERE gig_id = target_gig AND applicant_user_id = auth.uid() AND status = 'accepted'
        )
$$;
