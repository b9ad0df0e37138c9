-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage profiles" ON public.profiles FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Anyone can view profiles" ON public.profiles FOR SELECT TO anon, authenticated
    USING (true);
CREATE POLICY "Users can create own profile" ON public.profiles FOR INSERT TO authenticated
    WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "Users can update own profile" ON public.profiles FOR UPDATE TO authenticated
    USING (user_id = (select auth.uid())) WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "Admins can update all profiles" ON public.profiles FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Admins can delete profiles" ON public.profiles FOR DELETE TO authenticated
    USING ((select public.is_admin()));
