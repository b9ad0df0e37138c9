-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage moodboards" ON public.moodboards FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Anyone can view public moodboards" ON public.moodboards FOR SELECT TO anon, authenticated
    USING (is_public);
CREATE POLICY "Owners can view own moodboards" ON public.moodboards FOR SELECT TO authenticated
    USING (owner_user_id = (select auth.uid()));
CREATE POLICY "Admins can view all moodboards" ON public.moodboards FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Contributors can create own moodboards" ON public.moodboards FOR INSERT TO authenticated
    WITH CHECK (owner_user_id = (select auth.uid())
                AND (select public.current_user_role()) IN ('contributor', 'admin')
                AND (gig_id IS NULL OR public.owns_gig(gig_id)));
CREATE POLICY "Owners can update own moodboards" ON public.moodboards FOR UPDATE TO authenticated
    USING (owner_user_id = (select auth.uid()))
    WITH CHECK (owner_user_id = (select auth.uid()) AND (gig_id IS NULL OR public.owns_gig(gig_id)));
CREATE POLICY "Admins can update all moodboards" ON public.moodboards FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Owners can delete own moodboards" ON public.moodboards FOR DELETE TO authenticated
    USING (owner_user_id = (select auth.uid()));
CREATE POLICY "Admins can delete moodboards" ON public.moodboards FOR DELETE TO authenticated
    USING ((select public.is_admin()));
