-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage content moderation log" ON public.content_moderation_log FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Admins can view moderation log" ON public.content_moderation_log FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Admins can write moderation log" ON public.content_moderation_log FOR INSERT TO authenticated
    WITH CHECK ((select public.is_admin()) AND moderator_user_id = (select auth.uid()) AND NOT automated);
