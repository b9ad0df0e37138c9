CREATE POLICY "Service role can view audit logs" ON public.audit_logs FOR SELECT TO service_role
    USING (true);
CREATE POLICY "Admins can view audit logs" ON public.audit_logs FOR SELECT TO authenticated
    USING ((select public.is_admin()));
