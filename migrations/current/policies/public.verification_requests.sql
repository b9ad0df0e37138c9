-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage verification requests" ON public.verification_requests FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Users can view own verification requests" ON public.verification_requests FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can view all verification requests" ON public.verification_requests FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Users can create own verification requests" ON public.verification_requests FOR INSERT TO authenticated
    WITH CHECK (user_id = (select auth.uid()) AND status = 'pending'
                AND reviewed_by IS NULL AND reviewed_at IS NULL);
-- An admin decides other people's requests, never their own.
CREATE POLICY "Admins can decide verification requests" ON public.verification_requests FOR UPDATE TO authenticated
    USING ((select public.is_admin()) AND user_id <> (select auth.uid()))
    WITH CHECK ((select public.is_admin()) AND user_id <> (select auth.uid()));
CREATE POLICY "Users can cancel own pending verification requests" ON public.verification_requests FOR DELETE TO authenticated
    USING (user_id = (select auth.uid()) AND status = 'pending');
