-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage conversations" ON public.conversations FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Participants can view own conversations" ON public.conversations FOR SELECT TO authenticated
    USING (participants @> ARRAY[(select auth.uid())]);
CREATE POLICY "Admins can view all conversations" ON public.conversations FOR SELECT TO authenticated
    USING ((select public.is_admin()));
-- Opened by the applicant (on apply) or the owner (on accept); the gig owner is always one side.
CREATE POLICY "Gig parties can open conversations" ON public.conversations FOR INSERT TO authenticated
    WITH CHECK (participants @> ARRAY[(select auth.uid())]
                AND status = 'active' AND blocked_by IS NULL
                AND EXISTS (SELECT 1 FROM gigs g
                             WHERE g.id = gig_id AND g.owner_user_id = ANY (participants)
                               AND public.application_status_of(g.id,
                                     CASE WHEN participants[1] = g.owner_user_id
                                          THEN participants[2] ELSE participants[1] END) IS NOT NULL));
CREATE POLICY "Participants can update own conversations" ON public.conversations FOR UPDATE TO authenticated
    USING (participants @> ARRAY[(select auth.uid())])
    WITH CHECK (participants @> ARRAY[(select auth.uid())]);
CREATE POLICY "Admins can delete conversations" ON public.conversations FOR DELETE TO authenticated
    USING ((select public.is_admin()));
