-- service_role bypasses RLS; the explicit policies say so in the catalogue as well, and they are
-- the only ones: no policy names anon or authenticated, so neither can see a single row even if
-- a grant were added by mistake.
CREATE POLICY "Service role can manage credentials" ON public.user_credentials
    FOR ALL TO service_role USING (true) WITH CHECK (true);
