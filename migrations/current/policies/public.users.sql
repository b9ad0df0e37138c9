-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage users" ON public.users FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Users can view own data" ON public.users FOR SELECT TO authenticated
    USING (id = (select auth.uid()));
CREATE POLICY "Admins can view all users" ON public.users FOR SELECT TO authenticated
    USING ((select public.is_admin()));
-- Errata 6: what a user may change on their own row is restricted by guard_users_update().
CREATE POLICY "Users can update own data" ON public.users FOR UPDATE TO authenticated
    USING (id = (select auth.uid())) WITH CHECK (id = (select auth.uid()));
CREATE POLICY "Admins can update all users" ON public.users FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Admins can delete users" ON public.users FOR DELETE TO authenticated
    USING ((select public.is_admin()) AND id <> (select auth.uid()));
