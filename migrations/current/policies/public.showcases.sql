-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage showcases" ON public.showcases FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Anyone can view public showcases" ON public.showcases FOR SELECT TO anon, authenticated
    USING (visibility = 'public');
CREATE POLICY "Participants can view own showcases" ON public.showcases FOR SELECT TO authenticated
    USING (creator_user_id = (select auth.uid()) OR talent_user_id = (select auth.uid()));
CREATE POLICY "Admins can view all showcases" ON public.showcases FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Participants can create own showcases" ON public.showcases FOR INSERT TO authenticated
    WITH CHECK ((creator_user_id = (select auth.uid()) OR talent_user_id = (select auth.uid()))
                AND visibility = 'private' AND published_at IS NULL
                AND approved_by_creator_at IS NULL AND approved_by_talent_at IS NULL
                AND likes_count = 0 AND views_count = 0
                AND EXISTS (SELECT 1 FROM gigs g WHERE g.id = gig_id AND g.status = 'completed'
                              AND g.owner_user_id = creator_user_id)
                AND public.application_status_of(gig_id, talent_user_id) = 'accepted');
CREATE POLICY "Participants can update own showcases" ON public.showcases FOR UPDATE TO authenticated
    USING (creator_user_id = (select auth.uid()) OR talent_user_id = (select auth.uid()))
    WITH CHECK (creator_user_id = (select auth.uid()) OR talent_user_id = (select auth.uid()));
CREATE POLICY "Admins can update all showcases" ON public.showcases FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Participants can delete own private showcases" ON public.showcases FOR DELETE TO authenticated
    USING ((creator_user_id = (select auth.uid()) OR talent_user_id = (select auth.uid()))
           AND visibility = 'private' AND published_at IS NULL);
CREATE POLICY "Admins can delete showcases" ON public.showcases FOR DELETE TO authenticated
    USING ((select public.is_admin()));
