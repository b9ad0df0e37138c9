-- Refuses a change to any of `columns` between two versions of a row, naming the column.
CREATE OR REPLACE FUNCTION public.assert_unchanged(old_row jsonb, new_row jsonb, table_name text, columns text[], why text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog
AS $$
DECLARE
    col text;
BEGIN
    FOREACH col IN ARRAY columns LOOP
        IF old_row -> col IS DISTINCT FROM new_row -> col THEN
            RAISE EXCEPTION 'permission denied to change %.%', table_name, col
                USING ERRCODE = 'insufficient_privilege', DETAIL = why,
                      HINT = 'only the platform or an administrator can change this column';
        END IF;
    END LOOP;
END
$$;
