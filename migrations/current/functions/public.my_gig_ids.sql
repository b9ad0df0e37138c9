-- Set-returning forms for policies: an uncorrelated `id IN (SELECT …)` runs once per statement
-- as a hashed subplan, where a per-row function call would run once for every row scanned.
CREATE OR REPLACE FUNCTION public.my_gig_ids() RETURNS SETOF UUID
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT id FROM public.gigs WHERE owner_user_id = auth.uid()
$$;
