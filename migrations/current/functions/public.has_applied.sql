CREATE OR REPLACE FUNCTION public.has_applied(target_gig UUID) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT EXISTS (
        SELECT 1 FROM public.applications
         WHERE gig_id = target_gig AND applicant_user_id = auth.uid()
    )
$$;
