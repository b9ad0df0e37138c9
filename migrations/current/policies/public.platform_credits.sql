-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage platform credits" ON public.platform_credits FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Admins can view platform credits" ON public.platform_credits FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Admins can create platform credits" ON public.platform_credits FOR INSERT TO authenticated
    WITH CHECK ((select public.is_admin()));
CREATE POLICY "Admins can update platform credits" ON public.platform_credits FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Admins can delete platform credits" ON public.platform_credits FOR DELETE TO authenticated
    USING ((select public.is_admin()));
