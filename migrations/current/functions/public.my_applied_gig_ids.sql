CREATE OR REPLACE FUNCTION public.my_applied_gig_ids() RETURNS SETOF UUID
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT gig_id FROM public.applications WHERE applicant_user_id = auth.uid()
$$;
