-- Undo 0001: exactly what `preset_meta.provisioned` says it created, nothing else. Roles are
-- cluster-wide (other databases of the cluster may use them), so they are kept. An extension or
-- schema that something else has come to use in the meantime is kept too, with a notice.
DO $do$
DECLARE
    item record;
BEGIN
    FOR item IN SELECT name FROM preset_meta.provisioned
                 WHERE step = '0001' AND kind = 'function' ORDER BY name LOOP
        EXECUTE 'DROP FUNCTION ' || item.name;
    END LOOP;
    IF EXISTS (SELECT 1 FROM preset_meta.provisioned
                WHERE step = '0001' AND kind = 'schema' AND name = 'auth') THEN
        DROP SCHEMA auth;
    END IF;
    -- Only databases migrated by the first version of 0001 have this row (see 0011).
    IF EXISTS (SELECT 1 FROM preset_meta.provisioned
                WHERE step = '0001' AND kind = 'grant' AND name = 'usage on schema public') THEN
        REVOKE USAGE ON SCHEMA public FROM anon, authenticated, service_role;
    END IF;
    FOR item IN SELECT p.name FROM preset_meta.provisioned p
                  JOIN unnest(ARRAY['pg_stat_statements', 'pg_trgm', 'earthdistance', 'cube'])
                       WITH ORDINALITY AS o(ext, position) ON o.ext = p.name
                 WHERE p.step = '0001' AND p.kind = 'extension' ORDER BY o.position LOOP
        BEGIN
            EXECUTE format('DROP EXTENSION %I', item.name);
        EXCEPTION WHEN dependent_objects_still_exist THEN
            RAISE NOTICE 'extension % is kept: other objects depend on it', item.name;
        END;
    END LOOP;
    IF EXISTS (SELECT 1 FROM preset_meta.provisioned
                WHERE step = '0001' AND kind = 'schema' AND name = 'extensions') THEN
        BEGIN
            DROP SCHEMA extensions;
        EXCEPTION WHEN dependent_objects_still_exist THEN
            RAISE NOTICE 'schema extensions is kept: it is not empty';
        END;
    END IF;
END
$do$;

DROP TABLE preset_meta.provisioned;
DROP SCHEMA preset_meta;
