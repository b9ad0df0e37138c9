-- The only policy: no policy names anon or authenticated (see user_credentials').
CREATE POLICY "Service role can manage login attempts" ON public.login_attempts
    FOR ALL TO service_role USING (true) WITH CHECK (true);
