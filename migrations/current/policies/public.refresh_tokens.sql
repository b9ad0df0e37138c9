-- The only policy: no policy names anon or authenticated (see user_credentials').
CREATE POLICY "Service role can manage refresh tokens" ON public.refresh_tokens
    FOR ALL TO service_role USING (true) WITH CHECK (true);
