CREATE POLICY "Service role can manage login attempts" ON login_attempts
    FOR ALL TO service_role USING (true) WITH CHECK (true);
