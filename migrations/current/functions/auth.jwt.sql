-- Supabase's auth.jwt(), as migration 0001 creates it where the server has none. On Supabase
-- the project's own is used and 0001 leaves it alone, so 0001 keeps its own copy inside its
-- conditional block instead of applying this file. The body keeps 0001's indentation, so that
-- the stored text is the same.
CREATE OR REPLACE FUNCTION auth.jwt() RETURNS jsonb
LANGUAGE sql STABLE
AS $$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim', true), ''),
                nullif(current_setting('request.jwt.claims', true), '')
            )::jsonb
        $$;
COMMENT ON FUNCTION auth.jwt() IS 'created by preset';
