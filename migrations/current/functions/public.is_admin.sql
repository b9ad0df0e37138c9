-- Runs with the owner's rights, so it reads `users` without going through users' policies.
CREATE OR REPLACE FUNCTION public.is_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT EXISTS (
        SELECT 1 FROM public.users
         WHERE id = auth.uid() AND role = 'admin' AND account_status = 'active'
    )
$$;
