-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage subscriptions" ON public.subscriptions FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Users can view own subscription" ON public.subscriptions FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can view all subscriptions" ON public.subscriptions FOR SELECT TO authenticated
    USING ((select public.is_admin()));
-- An admin sets a tier by hand when billing is not configured, never their own.
CREATE POLICY "Admins can create subscriptions for others" ON public.subscriptions FOR INSERT TO authenticated
    WITH CHECK ((select public.is_admin()) AND user_id <> (select auth.uid()));
CREATE POLICY "Admins can update subscriptions of others" ON public.subscriptions FOR UPDATE TO authenticated
    USING ((select public.is_admin()) AND user_id <> (select auth.uid()))
    WITH CHECK ((select public.is_admin()) AND user_id <> (select auth.uid()));
