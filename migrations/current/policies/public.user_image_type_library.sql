-- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
-- intent survives on servers where it does not.
CREATE POLICY "Service role can manage user image type library" ON public.user_image_type_library FOR ALL TO service_role
    USING (true) WITH CHECK (true);
CREATE POLICY "Users can view own image types" ON public.user_image_type_library FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can view all image types" ON public.user_image_type_library FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Users can create own image types" ON public.user_image_type_library FOR INSERT TO authenticated
    WITH CHECK (user_id = (select auth.uid()) AND NOT is_flagged AND usage_count = 0);
CREATE POLICY "Users can update own image types" ON public.user_image_type_library FOR UPDATE TO authenticated
    USING (user_id = (select auth.uid())) WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "Admins can update all image types" ON public.user_image_type_library FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Users can delete own image types" ON public.user_image_type_library FOR DELETE TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can delete image types" ON public.user_image_type_library FOR DELETE TO authenticated
    USING ((select public.is_admin()));
