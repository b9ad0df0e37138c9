-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage gigs" ON public.gigs FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Anyone can view published gigs" ON public.gigs FOR SELECT TO anon, authenticated
    USING (status = 'published');
CREATE POLICY "Owners can view own gigs" ON public.gigs FOR SELECT TO authenticated
    USING (owner_user_id = (select auth.uid()));
CREATE POLICY "Applicants can view gigs they applied to" ON public.gigs FOR SELECT TO authenticated
    USING (id IN (SELECT public.my_applied_gig_ids()));
CREATE POLICY "Admins can view all gigs" ON public.gigs FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Contributors can create own gigs" ON public.gigs FOR INSERT TO authenticated
    WITH CHECK (owner_user_id = (select auth.uid())
                AND (select public.current_user_role()) IN ('contributor', 'admin'));
CREATE POLICY "Owners can update own gigs" ON public.gigs FOR UPDATE TO authenticated
    USING (owner_user_id = (select auth.uid())) WITH CHECK (owner_user_id = (select auth.uid()));
CREATE POLICY "Admins can update all gigs" ON public.gigs FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Owners can delete own draft gigs" ON public.gigs FOR DELETE TO authenticated
    USING (owner_user_id = (select auth.uid()) AND status = 'draft');
CREATE POLICY "Admins can delete gigs" ON public.gigs FOR DELETE TO authenticated
    USING ((select public.is_admin()));
