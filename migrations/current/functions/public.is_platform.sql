-- True for the platform itself: the service role, the owner or any role that bypasses RLS.
-- Invoker rights on purpose: it must see who is really running the statement.
CREATE OR REPLACE FUNCTION public.is_platform() RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog
AS $$
    SELECT coalesce((SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user), false)
$$;
