-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage user content preferences" ON public.user_content_preferences FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Users can view own content preferences" ON public.user_content_preferences FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can view all content preferences" ON public.user_content_preferences FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Users can create own content preferences" ON public.user_content_preferences FOR INSERT TO authenticated
    WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "Users can update own content preferences" ON public.user_content_preferences FOR UPDATE TO authenticated
    USING (user_id = (select auth.uid())) WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "Users can delete own content preferences" ON public.user_content_preferences FOR DELETE TO authenticated
    USING (user_id = (select auth.uid()));
