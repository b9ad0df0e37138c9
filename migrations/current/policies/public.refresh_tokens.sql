CREATE POLICY "Service role can manage refresh tokens" ON refresh_tokens
    FOR ALL TO service_role USING (true) WITH CHECK (true);
