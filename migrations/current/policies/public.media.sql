-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage media" ON public.media FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Anyone can view public media" ON public.media FOR SELECT TO anon, authenticated
    USING (visibility = 'public');
CREATE POLICY "Owners can view own media" ON public.media FOR SELECT TO authenticated
    USING (owner_user_id = (select auth.uid()));
CREATE POLICY "Gig participants can view gig media" ON public.media FOR SELECT TO authenticated
    USING (gig_id IN (SELECT public.my_participating_gig_ids()));
CREATE POLICY "Admins can view all media" ON public.media FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Users can upload own media" ON public.media FOR INSERT TO authenticated
    WITH CHECK (owner_user_id = (select auth.uid()));
CREATE POLICY "Owners can update own media" ON public.media FOR UPDATE TO authenticated
    USING (owner_user_id = (select auth.uid())) WITH CHECK (owner_user_id = (select auth.uid()));
CREATE POLICY "Owners can delete own media" ON public.media FOR DELETE TO authenticated
    USING (owner_user_id = (select auth.uid()));
CREATE POLICY "Admins can delete media" ON public.media FOR DELETE TO authenticated
    USING ((select public.is_admin()));
