-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage domain events" ON public.domain_events FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Users can record own events" ON public.domain_events FOR INSERT TO authenticated
    WITH CHECK (actor_user_id = (select auth.uid()) AND processed_at IS NULL AND attempts = 0);
CREATE POLICY "Admins can view events" ON public.domain_events FOR SELECT TO authenticated
    USING ((select public.is_admin()));
