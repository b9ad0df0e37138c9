-- The audit trail (PRODUCT_RULES §9): every INSERT, UPDATE and DELETE on every table is written to
-- audit_logs with the acting user (from the request's claims), the operation, the row and what
-- changed (column → {old, new}). Audit rows are append-only for everyone but the database owner.
--
-- Statement-level triggers with transition tables: one INSERT … SELECT per statement rather than
-- one per row, so bulk loads (COPY of a million gigs) stay fast.
SET LOCAL search_path = public, extensions;

CREATE FUNCTION public.audit_changes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    key_column text := TG_ARGV[0];
    redacted text[] := TG_ARGV[1]::text[];
    actor uuid := auth.uid();
    acting_role text := coalesce(nullif(current_setting('role', true), 'none'), session_user::text);
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO public.audit_logs (table_name, operation, row_id, actor_user_id, actor_role, changes)
        SELECT TG_TABLE_NAME, 'INSERT', n.j ->> key_column, actor, acting_role,
               coalesce((SELECT jsonb_object_agg(k, jsonb_build_object('old', NULL, 'new',
                            CASE WHEN k = ANY (redacted) THEN to_jsonb('[redacted]'::text) ELSE n.j -> k END))
                           FROM jsonb_object_keys(n.j) k), '{}')
          FROM (SELECT to_jsonb(r) AS j FROM new_rows r) n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO public.audit_logs (table_name, operation, row_id, actor_user_id, actor_role, changes)
        SELECT TG_TABLE_NAME, 'DELETE', o.j ->> key_column, actor, acting_role,
               coalesce((SELECT jsonb_object_agg(k, jsonb_build_object('old',
                            CASE WHEN k = ANY (redacted) THEN to_jsonb('[redacted]'::text) ELSE o.j -> k END, 'new', NULL))
                           FROM jsonb_object_keys(o.j) k), '{}')
          FROM (SELECT to_jsonb(r) AS j FROM old_rows r) o;
    ELSE
        INSERT INTO public.audit_logs (table_name, operation, row_id, actor_user_id, actor_role, changes)
        SELECT TG_TABLE_NAME, 'UPDATE', n.j ->> key_column, actor, acting_role,
               coalesce((SELECT jsonb_object_agg(k, CASE WHEN k = ANY (redacted)
                                 THEN jsonb_build_object('old', '[redacted]', 'new', '[redacted]')
                                 ELSE jsonb_build_object('old', o.j -> k, 'new', n.j -> k) END)
                           FROM jsonb_object_keys(n.j) k
                          WHERE (o.j -> k) IS DISTINCT FROM (n.j -> k)), '{}')
          FROM (SELECT to_jsonb(r) AS j FROM new_rows r) n
          JOIN (SELECT to_jsonb(r) AS j FROM old_rows r) o ON (o.j -> key_column) = (n.j -> key_column);
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION public.audit_changes() FROM PUBLIC;

-- Attach the audit triggers to a table. `key_column` identifies the row; `redact` names columns
-- whose values must never be copied into the audit trail (password hashes, token hashes).
CREATE FUNCTION public.enable_audit(target regclass, key_column text DEFAULT 'id', redact text[] DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
    args text := format('%L, %L', key_column, redact::text);
BEGIN
    EXECUTE format('CREATE TRIGGER audit_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes(%s)', target, args);
    EXECUTE format('CREATE TRIGGER audit_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes(%s)', target, args);
    EXECUTE format('CREATE TRIGGER audit_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes(%s)', target, args);
END
$$;

CREATE FUNCTION public.disable_audit(target regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    EXECUTE format('DROP TRIGGER IF EXISTS audit_insert ON %s', target);
    EXECUTE format('DROP TRIGGER IF EXISTS audit_update ON %s', target);
    EXECUTE format('DROP TRIGGER IF EXISTS audit_delete ON %s', target);
END
$$;
REVOKE ALL ON FUNCTION public.enable_audit(regclass, text, text[]), public.disable_audit(regclass) FROM PUBLIC;

-- Append-only: nobody but the database owner (or a superuser) updates, deletes or truncates.
CREATE FUNCTION public.audit_logs_append_only() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       OR current_user = (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()) THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION 'audit_logs is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON audit_logs
    FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only();
CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs
    FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only();

SELECT public.enable_audit(t::regclass)
  FROM unnest(ARRAY['users', 'profiles', 'gigs', 'applications', 'showcases', 'media',
        'conversations', 'messages', 'reviews', 'moodboards', 'subscriptions', 'platform_credits',
        'user_credits', 'credit_transactions', 'credit_packages', 'source_images',
        'ai_enhancements', 'reports', 'user_content_preferences', 'content_moderation_log',
        'user_image_type_library', 'verification_requests', 'domain_events', 'notifications']) AS t;
