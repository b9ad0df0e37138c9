-- The only policy names service_role, so no request role sees a row even if a grant were added
-- by mistake (admins included: a pending row holds a live one-time token).
CREATE POLICY "Service role can manage outbound emails" ON public.outbound_emails FOR ALL TO service_role
    USING (true) WITH CHECK (true);
