-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage ai enhancements" ON public.ai_enhancements FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Users can view own enhancements" ON public.ai_enhancements FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can view all enhancements" ON public.ai_enhancements FOR SELECT TO authenticated
    USING ((select public.is_admin()));
