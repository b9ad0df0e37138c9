-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage messages" ON public.messages FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Participants can view own messages" ON public.messages FOR SELECT TO authenticated
    USING (from_user_id = (select auth.uid()) OR to_user_id = (select auth.uid()));
CREATE POLICY "Admins can view all messages" ON public.messages FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Participants can send messages" ON public.messages FOR INSERT TO authenticated
    WITH CHECK (from_user_id = (select auth.uid())
                AND read_at IS NULL AND edited_at IS NULL AND deleted_at IS NULL
                AND EXISTS (SELECT 1 FROM conversations c
                             WHERE c.id = conversation_id
                               AND c.participants @> ARRAY[from_user_id, to_user_id]
                               AND c.status <> 'blocked'));
CREATE POLICY "Participants can update own messages" ON public.messages FOR UPDATE TO authenticated
    USING (from_user_id = (select auth.uid()) OR to_user_id = (select auth.uid()))
    WITH CHECK (from_user_id = (select auth.uid()) OR to_user_id = (select auth.uid()));
CREATE POLICY "Admins can delete messages" ON public.messages FOR DELETE TO authenticated
    USING ((select public.is_admin()));
