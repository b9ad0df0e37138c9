-- The grants model, whatever the server's default privileges are. On Supabase the default
-- privileges of `public` give anon, authenticated and service_role TRUNCATE, REFERENCES and
-- TRIGGER (older projects: every privilege) on every new table, UPDATE (older: all) on every
-- new sequence and EXECUTE on every new function; row level security does not stop TRUNCATE.
-- So: take every privilege away from the request roles on each table, sequence and function
-- this project created, grant exactly what docs/access-matrix.md says, and stop the migrating
-- role's default privileges in `public` from granting anything to them on future objects.
-- What was there before is written to preset_meta.provisioned, and the downgrade restores it.
SET LOCAL search_path = public, extensions;

-- A database migrated by the first version of 0001 has no bookkeeping: write down what that
-- version created (its downgrade removed all of it), so that 0001's downgrade still does.
DO $$
DECLARE
    fn text;
BEGIN
    IF to_regnamespace('preset_meta') IS NOT NULL THEN
        RETURN;
    END IF;
    CREATE SCHEMA preset_meta;
    COMMENT ON SCHEMA preset_meta IS 'preset: what the migrations created or changed outside their own tables, so that rollback undoes exactly that';
    REVOKE ALL ON SCHEMA preset_meta FROM PUBLIC;
    CREATE TABLE preset_meta.provisioned (
        step text NOT NULL,
        kind text NOT NULL,
        name text NOT NULL,
        detail text,
        PRIMARY KEY (step, kind, name)
    );
    REVOKE ALL ON preset_meta.provisioned FROM PUBLIC;
    INSERT INTO preset_meta.provisioned (step, kind, name)
    SELECT '0001', 'extension', extname FROM pg_extension
     WHERE extname IN ('cube', 'earthdistance', 'pg_trgm', 'pg_stat_statements');
    INSERT INTO preset_meta.provisioned (step, kind, name)
    SELECT '0001', 'schema', nspname FROM pg_namespace
     WHERE nspname = 'extensions'
        OR (nspname = 'auth' AND obj_description(oid, 'pg_namespace') = 'created by preset');
    FOREACH fn IN ARRAY ARRAY['auth.uid()', 'auth.role()', 'auth.email()', 'auth.jwt()'] LOOP
        IF obj_description(to_regprocedure(fn), 'pg_proc') = 'created by preset' THEN
            INSERT INTO preset_meta.provisioned (step, kind, name) VALUES ('0001', 'function', fn);
        END IF;
    END LOOP;
    INSERT INTO preset_meta.provisioned (step, kind, name)
        VALUES ('0001', 'grant', 'usage on schema public');
END
$$;

-- Save what is there, then revoke. A listed object that does not exist is an error: these lists
-- and the migrations that create the objects must agree.
DO $$
DECLARE
    -- The project's tables: every table of docs/access-matrix.md, and Alembic's own.
    tables text[] := ARRAY['users', 'profiles', 'gigs', 'applications', 'showcases', 'media', 'conversations',
        'messages', 'reviews', 'moodboards', 'subscriptions', 'platform_credits', 'user_credits',
        'credit_transactions', 'credit_packages', 'source_images', 'ai_enhancements', 'reports',
        'user_content_preferences', 'content_moderation_log', 'user_image_type_library',
        'verification_requests', 'domain_events', 'notifications', 'audit_logs',
        'user_credentials', 'refresh_tokens', 'email_tokens', 'login_attempts',
        'outbound_emails', 'alembic_version'];
    -- The project's functions in public (0002-0010).
    functions text[] := ARRAY['public.application_status_of(uuid, uuid)',
        'public.application_transition_allowed(text, text)',
        'public.applications_enforce_capacity()',
        'public.assert_unchanged(jsonb, jsonb, text, text[], text)',
        'public.audit_changes()',
        'public.audit_logs_append_only()',
        'public.current_account_state()',
        'public.current_schema_revision()',
        'public.current_user_role()',
        'public.disable_audit(regclass)',
        'public.discover_gig_page(double precision, double precision, double precision, text, text[], timestamp with time zone, timestamp with time zone, text, boolean, text[], integer, timestamp with time zone, uuid, integer, integer)',
        'public.enable_audit(regclass, text, text[])',
        'public.gig_map_pin_ids(double precision, double precision, double precision, double precision, boolean, text[], integer)',
        'public.gig_transition_allowed(text, text)',
        'public.gigs_guard_max_applicants()',
        'public.gigs_set_location_geo()',
        'public.guard_applications_update()',
        'public.guard_conversations_update()',
        'public.guard_gigs_write()',
        'public.guard_image_types_update()',
        'public.guard_messages_update()',
        'public.guard_notifications_update()',
        'public.guard_profiles_write()',
        'public.guard_reviews_update()',
        'public.guard_showcases_update()',
        'public.guard_users_update()',
        'public.has_applied(uuid)',
        'public.is_admin()',
        'public.is_gig_participant(uuid)',
        'public.is_platform()',
        'public.my_applied_gig_ids()',
        'public.my_gig_ids()',
        'public.my_participating_gig_ids()',
        'public.owns_gig(uuid)',
        'public.profile_completion(public.profiles)',
        'public.profiles_set_completion()',
        'public.refresh_profile_rating(uuid)',
        'public.reports_set_priority()',
        'public.reviews_refresh_rating()',
        'public.set_updated_at()'];
    obj record;
BEGIN
    INSERT INTO preset_meta.provisioned (step, kind, name, detail)
    SELECT '0011', 'table', format('public.%I', t), c.relacl::text
      FROM unnest(tables) AS t JOIN pg_class c ON c.oid = format('public.%I', t)::regclass;
    -- Their sequences (serial and identity columns).
    INSERT INTO preset_meta.provisioned (step, kind, name, detail)
    SELECT '0011', 'sequence', format('%I.%I', sn.nspname, s.relname), s.relacl::text
      FROM unnest(tables) AS t
      JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass
                      AND d.refobjid = format('public.%I', t)::regclass
                      AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
      JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
      JOIN pg_namespace sn ON sn.oid = s.relnamespace;
    INSERT INTO preset_meta.provisioned (step, kind, name, detail)
    SELECT '0011', 'function', f, p.proacl::text
      FROM unnest(functions) AS f JOIN pg_proc p ON p.oid = f::regprocedure;

    FOR obj IN SELECT kind, name FROM preset_meta.provisioned
                WHERE step = '0011' ORDER BY kind, name LOOP
        IF obj.kind = 'function' THEN
            -- PUBLIC keeps what each function's migration decided (trigger functions and the
            -- helpers guard triggers call run as the caller and need it).
            EXECUTE format('REVOKE ALL ON FUNCTION %s FROM anon, authenticated, service_role, authenticator', obj.name);
        ELSE
            EXECUTE format('REVOKE ALL ON %s %s FROM PUBLIC, anon, authenticated, service_role, authenticator',
                           CASE obj.kind WHEN 'sequence' THEN 'SEQUENCE' ELSE 'TABLE' END, obj.name);
        END IF;
    END LOOP;
    -- Future objects: the migrating role's default privileges in public grant nothing to the
    -- request roles (on Supabase they grant TRUNCATE, REFERENCES, TRIGGER or everything).
    INSERT INTO preset_meta.provisioned (step, kind, name, detail)
    SELECT '0011', 'default_acl', d.defaclobjtype::text, d.defaclacl::text
      FROM pg_default_acl d
     WHERE d.defaclrole = current_user::regrole AND d.defaclnamespace = 'public'::regnamespace;
END
$$;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM anon, authenticated, service_role, authenticator;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM anon, authenticated, service_role, authenticator;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON FUNCTIONS FROM anon, authenticated, service_role, authenticator;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TYPES FROM anon, authenticated, service_role, authenticator;

-- ===================================================================== the access matrix
-- Tables (docs/access-matrix.md). Sequences: none (audit_logs and login_attempts take their
-- ids from identity columns, which need no sequence privilege). alembic_version: nothing.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'profiles', 'gigs', 'applications', 'showcases', 'media',
        'conversations', 'messages', 'reviews', 'moodboards', 'subscriptions', 'platform_credits',
        'user_credits', 'credit_transactions', 'credit_packages', 'source_images',
        'ai_enhancements', 'reports', 'user_content_preferences', 'content_moderation_log',
        'user_image_type_library', 'verification_requests', 'domain_events', 'notifications',
        'user_credentials', 'refresh_tokens', 'email_tokens', 'login_attempts',
        'outbound_emails'] LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO service_role', t);
    END LOOP;
END
$$;
GRANT SELECT ON public.audit_logs TO authenticated, service_role;

GRANT SELECT ON public.profiles, public.gigs, public.showcases, public.media, public.reviews,
    public.moodboards, public.credit_packages TO anon;

GRANT SELECT, INSERT, UPDATE, DELETE ON public.profiles, public.gigs, public.applications,
    public.showcases, public.media, public.conversations, public.messages, public.reviews,
    public.moodboards, public.platform_credits, public.credit_packages, public.source_images,
    public.user_content_preferences, public.user_image_type_library,
    public.verification_requests TO authenticated;
GRANT SELECT, UPDATE, DELETE ON public.users, public.notifications TO authenticated;
GRANT SELECT, INSERT, UPDATE ON public.subscriptions, public.reports TO authenticated;
GRANT SELECT, INSERT ON public.content_moderation_log, public.domain_events TO authenticated;
GRANT SELECT ON public.user_credits, public.credit_transactions, public.ai_enhancements
    TO authenticated;

-- Functions: the reviewed helpers policies and the API call (test_security_invariants.py).
GRANT EXECUTE ON FUNCTION public.is_admin(), public.current_user_role(), public.is_platform(),
    public.owns_gig(uuid), public.has_applied(uuid), public.is_gig_participant(uuid),
    public.my_gig_ids(), public.my_applied_gig_ids(), public.my_participating_gig_ids(),
    public.assert_unchanged(jsonb, jsonb, text, text[], text),
    public.discover_gig_page(double precision, double precision, double precision, text, text[],
        timestamp with time zone, timestamp with time zone, text, boolean, text[], integer,
        timestamp with time zone, uuid, integer, integer),
    public.gig_map_pin_ids(double precision, double precision, double precision,
        double precision, boolean, text[], integer)
    TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.application_status_of(uuid, uuid) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.current_account_state()
    TO authenticator, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.current_schema_revision()
    TO authenticator, anon, authenticated, service_role;
