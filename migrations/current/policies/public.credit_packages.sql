-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage credit packages" ON public.credit_packages FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Anyone can view active credit packages" ON public.credit_packages FOR SELECT TO anon, authenticated
    USING (is_active);
CREATE POLICY "Admins can view all credit packages" ON public.credit_packages FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Admins can create credit packages" ON public.credit_packages FOR INSERT TO authenticated
    WITH CHECK ((select public.is_admin()));
CREATE POLICY "Admins can update credit packages" ON public.credit_packages FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Admins can delete credit packages" ON public.credit_packages FOR DELETE TO authenticated
    USING ((select public.is_admin()));
