-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage source images" ON public.source_images FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Users can view own source images" ON public.source_images FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can view all source images" ON public.source_images FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Users can create own source images" ON public.source_images FOR INSERT TO authenticated
    WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "Users can update own source images" ON public.source_images FOR UPDATE TO authenticated
    USING (user_id = (select auth.uid())) WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "Users can delete own source images" ON public.source_images FOR DELETE TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can delete source images" ON public.source_images FOR DELETE TO authenticated
    USING ((select public.is_admin()));
