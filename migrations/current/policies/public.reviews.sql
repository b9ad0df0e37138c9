-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage reviews" ON public.reviews FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Anyone can view public reviews" ON public.reviews FOR SELECT TO anon, authenticated
    USING (is_public);
CREATE POLICY "Parties can view own reviews" ON public.reviews FOR SELECT TO authenticated
    USING (reviewer_id = (select auth.uid()) OR reviewee_id = (select auth.uid()));
CREATE POLICY "Admins can view all reviews" ON public.reviews FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Gig parties can create own reviews" ON public.reviews FOR INSERT TO authenticated
    WITH CHECK (reviewer_id = (select auth.uid()) AND is_public
                AND EXISTS (SELECT 1 FROM gigs g
                             WHERE g.id = gig_id AND g.status = 'completed'
                               AND ((g.owner_user_id = reviewer_id
                                     AND public.application_status_of(g.id, reviewee_id) = 'accepted')
                                 OR (g.owner_user_id = reviewee_id
                                     AND public.application_status_of(g.id, reviewer_id) = 'accepted'))));
CREATE POLICY "Reviewers can update own reviews" ON public.reviews FOR UPDATE TO authenticated
    USING (reviewer_id = (select auth.uid())) WITH CHECK (reviewer_id = (select auth.uid()));
CREATE POLICY "Admins can update all reviews" ON public.reviews FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Admins can delete reviews" ON public.reviews FOR DELETE TO authenticated
    USING ((select public.is_admin()));
