-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage applications" ON public.applications FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Applicants can view own applications" ON public.applications FOR SELECT TO authenticated
    USING (applicant_user_id = (select auth.uid()));
CREATE POLICY "Gig owners can view applications" ON public.applications FOR SELECT TO authenticated
    USING (gig_id IN (SELECT public.my_gig_ids()));
CREATE POLICY "Admins can view all applications" ON public.applications FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Talent can create own applications" ON public.applications FOR INSERT TO authenticated
    WITH CHECK (applicant_user_id = (select auth.uid())
                AND (select public.current_user_role()) = 'talent'
                AND status = 'pending' AND reviewed_at IS NULL AND reviewed_by IS NULL
                AND EXISTS (SELECT 1 FROM gigs g WHERE g.id = gig_id AND g.status = 'published'
                              AND g.owner_user_id <> (select auth.uid())));
CREATE POLICY "Applicants can update own applications" ON public.applications FOR UPDATE TO authenticated
    USING (applicant_user_id = (select auth.uid())) WITH CHECK (applicant_user_id = (select auth.uid()));
CREATE POLICY "Gig owners can update applications" ON public.applications FOR UPDATE TO authenticated
    USING (gig_id IN (SELECT public.my_gig_ids())) WITH CHECK (gig_id IN (SELECT public.my_gig_ids()));
CREATE POLICY "Admins can update all applications" ON public.applications FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Admins can delete applications" ON public.applications FOR DELETE TO authenticated
    USING ((select public.is_admin()));
