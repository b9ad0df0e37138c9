-- Health checks compare the applied revision with the code's head without reading Alembic's
-- table as its owner.
CREATE OR REPLACE FUNCTION public.current_schema_revision() RETURNS TEXT
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT version_num FROM public.alembic_version LIMIT 1
$$;
