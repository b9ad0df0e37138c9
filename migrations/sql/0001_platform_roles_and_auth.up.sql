-- Platform roles, the Supabase-compatible `auth` schema and the extensions the schema needs.
--
-- The same file runs on a plain PostgreSQL (as a superuser) and on Supabase, where the role
-- that migrates (`postgres`) is not a superuser and the roles, the `auth` schema, its functions
-- and some extensions already exist and belong to Supabase. So this migration only *creates*
-- what is missing, never alters a role or an object it did not create, and writes down in
-- `preset_meta.provisioned` everything it created, so that its downgrade undoes exactly that.

-- ===================================================================== bookkeeping
CREATE SCHEMA preset_meta;
COMMENT ON SCHEMA preset_meta IS 'preset: what the migrations created or changed outside their own tables, so that rollback undoes exactly that';
REVOKE ALL ON SCHEMA preset_meta FROM PUBLIC;
CREATE TABLE preset_meta.provisioned (
    step text NOT NULL,     -- the migration that did it ('0001', '0011')
    kind text NOT NULL,     -- extension, schema, function, grant, table, sequence, default_acl
    name text NOT NULL,     -- the object, schema-qualified where it has a schema
    detail text,            -- what it was before (an ACL), where the downgrade needs it
    PRIMARY KEY (step, kind, name)
);
REVOKE ALL ON preset_meta.provisioned FROM PUBLIC;

-- ===================================================================== roles
-- Roles are cluster-wide; each is created only where it is missing, and an existing one is
-- never altered (on Supabase they are Supabase's: `authenticator` is PostgREST's login role, and
-- the migrating role has ADMIN only on anon, authenticated and service_role).
DO $$
DECLARE
    api_role text;
    created text[] := ARRAY[]::text[];
BEGIN
    FOREACH api_role IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = api_role) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT%s', api_role,
                           CASE WHEN api_role = 'service_role' THEN ' BYPASSRLS' ELSE '' END);
            created := created || api_role;
        END IF;
    END LOOP;
    -- The login role request handling connects as: owns nothing, can only switch roles.
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticator') THEN
        CREATE ROLE authenticator LOGIN NOINHERIT;
        created := created || 'authenticator'::text;
    END IF;
    FOREACH api_role IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
        CONTINUE WHEN EXISTS (SELECT 1 FROM pg_auth_members
                               WHERE roleid = api_role::regrole AND member = 'authenticator'::regrole);
        IF api_role = ANY (created) OR 'authenticator' = ANY (created) THEN
            EXECUTE format('GRANT %I TO authenticator', api_role);
        ELSE
            RAISE WARNING 'role authenticator is not a member of role %, and neither was created by this migration: left alone', api_role
                USING HINT = format('The API connects as authenticator and switches to %1$s; grant it (GRANT %1$s TO authenticator) or set APP_DATABASE_URL to a role that is a member of anon, authenticated and service_role.', api_role);
        END IF;
    END LOOP;
END
$$;

-- The request roles look up tables in `public`: PostgreSQL ≥ 15 and Supabase both grant that
-- (PUBLIC, or the roles themselves). Where it has been taken away, say so instead of changing
-- the privileges of a schema this project does not own.
DO $$
DECLARE
    api_role text;
BEGIN
    FOREACH api_role IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
        IF NOT has_schema_privilege(api_role, 'public', 'USAGE') THEN
            RAISE EXCEPTION 'role % has no USAGE on schema public', api_role
                USING HINT = 'As the owner of schema public: GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role; then migrate again.';
        END IF;
    END LOOP;
END
$$;

-- ===================================================================== extensions
-- They live in the `extensions` schema, as on Supabase (which has it already).
DO $$
DECLARE
    ext text;
BEGIN
    IF to_regnamespace('extensions') IS NULL THEN
        CREATE SCHEMA extensions;
        GRANT USAGE ON SCHEMA extensions TO anon, authenticated, service_role;
        INSERT INTO preset_meta.provisioned (step, kind, name) VALUES ('0001', 'schema', 'extensions');
    END IF;
    -- cube and pg_trgm are trusted (any role with CREATE on the database may create them);
    -- earthdistance is not: on Supabase it is enabled from the dashboard (its allow-list).
    FOREACH ext IN ARRAY ARRAY['cube', 'earthdistance', 'pg_trgm'] LOOP
        CONTINUE WHEN EXISTS (SELECT 1 FROM pg_extension WHERE extname = ext);
        BEGIN
            EXECUTE format('CREATE EXTENSION %I WITH SCHEMA extensions', ext);
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'extension % is not installed and role % may not create it', ext, current_user
                USING HINT = format('On Supabase, enable %1$s in the dashboard (Database, Extensions; schema extensions) and migrate again; elsewhere a superuser runs CREATE EXTENSION %1$s WITH SCHEMA extensions (CASCADE).', ext);
        END;
        INSERT INTO preset_meta.provisioned (step, kind, name) VALUES ('0001', 'extension', ext);
    END LOOP;
    -- Statistics for monitoring: optional (Supabase has it installed; it needs a superuser).
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') THEN
        BEGIN
            CREATE EXTENSION pg_stat_statements WITH SCHEMA extensions;
            INSERT INTO preset_meta.provisioned (step, kind, name)
                VALUES ('0001', 'extension', 'pg_stat_statements');
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'pg_stat_statements is not installed and role % may not create it: skipped (the slowest-statements view stays empty)', current_user;
        END;
    END IF;
END
$$;

-- ===================================================================== auth
-- The auth schema and its helpers, only where they do not exist yet (on Supabase they are
-- supabase_auth_admin's and are left exactly as they are, grants included).
DO $do$
BEGIN
    IF to_regnamespace('auth') IS NULL THEN
        CREATE SCHEMA auth;
        COMMENT ON SCHEMA auth IS 'created by preset';
        GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
        INSERT INTO preset_meta.provisioned (step, kind, name) VALUES ('0001', 'schema', 'auth');
    END IF;
    IF to_regprocedure('auth.uid()') IS NULL THEN
        CREATE FUNCTION auth.uid() RETURNS uuid
        LANGUAGE sql STABLE
        AS $fn$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim.sub', true), ''),
                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
            )::uuid
        $fn$;
        INSERT INTO preset_meta.provisioned (step, kind, name) VALUES ('0001', 'function', 'auth.uid()');
    END IF;
    IF to_regprocedure('auth.role()') IS NULL THEN
        CREATE FUNCTION auth.role() RETURNS text
        LANGUAGE sql STABLE
        AS $fn$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim.role', true), ''),
                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
            )::text
        $fn$;
        INSERT INTO preset_meta.provisioned (step, kind, name) VALUES ('0001', 'function', 'auth.role()');
    END IF;
    IF to_regprocedure('auth.email()') IS NULL THEN
        CREATE FUNCTION auth.email() RETURNS text
        LANGUAGE sql STABLE
        AS $fn$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim.email', true), ''),
                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
            )::text
        $fn$;
        INSERT INTO preset_meta.provisioned (step, kind, name) VALUES ('0001', 'function', 'auth.email()');
    END IF;
    IF to_regprocedure('auth.jwt()') IS NULL THEN
        CREATE FUNCTION auth.jwt() RETURNS jsonb
        LANGUAGE sql STABLE
        AS $fn$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim', true), ''),
                nullif(current_setting('request.jwt.claims', true), '')
            )::jsonb
        $fn$;
        INSERT INTO preset_meta.provisioned (step, kind, name) VALUES ('0001', 'function', 'auth.jwt()');
    END IF;
END
$do$;

-- Comments and grants only on the functions created above.
DO $$
DECLARE
    fn text;
BEGIN
    FOR fn IN SELECT name FROM preset_meta.provisioned WHERE step = '0001' AND kind = 'function' LOOP
        EXECUTE format('COMMENT ON FUNCTION %s IS %L', fn, 'created by preset');
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO anon, authenticated, service_role', fn);
    END LOOP;
END
$$;
