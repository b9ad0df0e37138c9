-- Undo 0001. Roles are cluster-wide (other databases of the cluster may use them), so they are
-- kept; everything database-local that 0001 created is removed. On Supabase, the `auth` schema
-- and functions preset did not create carry no 'created by preset' comment and are left alone.
DO $do$
DECLARE
    fn text;
BEGIN
    FOREACH fn IN ARRAY ARRAY['auth.uid()', 'auth.role()', 'auth.email()', 'auth.jwt()'] LOOP
        IF to_regprocedure(fn) IS NOT NULL
           AND obj_description(to_regprocedure(fn), 'pg_proc') = 'created by preset' THEN
            EXECUTE 'DROP FUNCTION ' || fn;
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth')
       AND obj_description((SELECT oid FROM pg_namespace WHERE nspname = 'auth'), 'pg_namespace')
           = 'created by preset' THEN
        DROP SCHEMA auth;
    END IF;
END
$do$;

DROP EXTENSION IF EXISTS pg_stat_statements;
DROP EXTENSION IF EXISTS pg_trgm;
DROP EXTENSION IF EXISTS earthdistance;
DROP EXTENSION IF EXISTS cube;
DO $do$
BEGIN
    -- Only when nothing else lives there (a Supabase project keeps its own extensions in it).
    IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'extensions')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d JOIN pg_namespace n ON n.oid = d.refobjid
                       WHERE n.nspname = 'extensions' AND d.refclassid = 'pg_namespace'::regclass) THEN
        DROP SCHEMA extensions;
    END IF;
END
$do$;
REVOKE USAGE ON SCHEMA public FROM anon, authenticated, service_role;
