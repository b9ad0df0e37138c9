-- Gig access without going through gigs' own policies (which consult applications).
CREATE OR REPLACE FUNCTION public.owns_gig(target_gig UUID) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT EXISTS (SELECT 1 FROM public.gigs WHERE id = target_gig AND owner_user_id = auth.uid())
$$;
