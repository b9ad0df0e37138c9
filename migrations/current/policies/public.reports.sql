-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage reports" ON public.reports FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Reporters can view own reports" ON public.reports FOR SELECT TO authenticated
    USING (reporter_user_id = (select auth.uid()));
CREATE POLICY "Admins can view all reports" ON public.reports FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Users can create own reports" ON public.reports FOR INSERT TO authenticated
    WITH CHECK (reporter_user_id = (select auth.uid()) AND status = 'pending'
                AND reviewed_by IS NULL AND reviewed_at IS NULL AND resolution IS NULL);
CREATE POLICY "Admins can update reports" ON public.reports FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
