-- Undo 0011: the request roles' privileges on each object, and the migrating role's default
-- privileges in public, as 0011 found them (saved in preset_meta.provisioned).
SET LOCAL search_path = public, extensions;

DO $$
DECLARE
    obj record;
    item record;
    keyword text;
    target text;
    owner_oid oid;
    api_roles text[] := ARRAY['anon', 'authenticated', 'service_role', 'authenticator'];
BEGIN
    FOR obj IN SELECT kind, name, detail FROM preset_meta.provisioned
                WHERE step = '0011' AND kind IN ('table', 'sequence', 'function') ORDER BY kind, name LOOP
        keyword := CASE obj.kind WHEN 'function' THEN 'FUNCTION' WHEN 'sequence' THEN 'SEQUENCE' ELSE 'TABLE' END;
        IF obj.kind = 'function' THEN
            EXECUTE format('REVOKE ALL ON FUNCTION %s FROM anon, authenticated, service_role, authenticator', obj.name);
        ELSE
            EXECUTE format('REVOKE ALL ON %s %s FROM PUBLIC, anon, authenticated, service_role, authenticator', keyword, obj.name);
        END IF;
        -- NULL: the built-in default, which gives the request roles nothing of their own.
        CONTINUE WHEN obj.detail IS NULL;
        owner_oid := CASE obj.kind
            WHEN 'function' THEN (SELECT p.proowner FROM pg_proc p WHERE p.oid = obj.name::regprocedure)
            ELSE (SELECT c.relowner FROM pg_class c WHERE c.oid = obj.name::regclass) END;
        FOR item IN SELECT a.grantee, a.is_grantable AS grantable,
                           string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type) AS privileges
                      FROM unnest(obj.detail::aclitem[]) WITH ORDINALITY AS o(item, position),
                           LATERAL aclexplode(ARRAY[o.item]) a
                     WHERE a.grantor = owner_oid
                       AND ((a.grantee = 0 AND obj.kind <> 'function')
                            OR a.grantee IN (SELECT oid FROM pg_roles WHERE rolname = ANY (api_roles)))
                     GROUP BY a.grantee, a.is_grantable ORDER BY min(o.position) LOOP
            target := CASE WHEN item.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(item.grantee::regrole::text) END;
            EXECUTE format('GRANT %s ON %s %s TO %s%s', item.privileges, keyword, obj.name, target,
                           CASE WHEN item.grantable THEN ' WITH GRANT OPTION' ELSE '' END);
        END LOOP;
    END LOOP;

    FOR obj IN SELECT name, detail FROM preset_meta.provisioned
                WHERE step = '0011' AND kind = 'default_acl' ORDER BY name LOOP
        keyword := CASE obj.name WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES'
                                 WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN 'TYPES' END;
        CONTINUE WHEN keyword IS NULL;
        FOR item IN SELECT a.grantee, a.is_grantable AS grantable,
                           string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type) AS privileges
                      FROM unnest(obj.detail::aclitem[]) WITH ORDINALITY AS o(item, position),
                           LATERAL aclexplode(ARRAY[o.item]) a
                     WHERE a.grantee IN (SELECT oid FROM pg_roles WHERE rolname = ANY (api_roles))
                     GROUP BY a.grantee, a.is_grantable ORDER BY min(o.position) LOOP
            EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT %s ON %s TO %I%s',
                           item.privileges, keyword, item.grantee::regrole::text,
                           CASE WHEN item.grantable THEN ' WITH GRANT OPTION' ELSE '' END);
        END LOOP;
    END LOOP;
END
$$;

DELETE FROM preset_meta.provisioned WHERE step = '0011';
