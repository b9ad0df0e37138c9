-- The caller's role on the platform (talent / contributor / admin), or NULL when anonymous.
CREATE OR REPLACE FUNCTION public.current_user_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT role FROM public.users WHERE id = auth.uid() AND account_status = 'active'
$$;
