CREATE OR REPLACE FUNCTION public.audit_changes() RETURNS trigger
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
