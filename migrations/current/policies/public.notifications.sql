-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage notifications" ON public.notifications FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Users can view own notifications" ON public.notifications FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Users can update own notifications" ON public.notifications FOR UPDATE TO authenticated
    USING (user_id = (select auth.uid())) WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "Users can delete own notifications" ON public.notifications FOR DELETE TO authenticated
    USING (user_id = (select auth.uid()));
