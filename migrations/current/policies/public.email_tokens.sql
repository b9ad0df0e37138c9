CREATE POLICY "Service role can manage email tokens" ON email_tokens
    FOR ALL TO service_role USING (true) WITH CHECK (true);
