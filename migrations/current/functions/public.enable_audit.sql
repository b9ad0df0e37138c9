-- Attach the audit triggers to a table. `key_column` identifies the row; `redact` names columns
-- whose values must never be copied into the audit trail (password hashes, token hashes).
CREATE OR REPLACE FUNCTION public.enable_audit(target regclass, key_column text DEFAULT 'id', redact text[] DEFAULT '{}')
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
