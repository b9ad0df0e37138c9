-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage credit transactions" ON public.credit_transactions FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Users can view own credit transactions" ON public.credit_transactions FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can view all credit transactions" ON public.credit_transactions FOR SELECT TO authenticated
    USING ((select public.is_admin()));
