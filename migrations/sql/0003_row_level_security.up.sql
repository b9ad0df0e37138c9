-- Row level security on every table, forced, with named policies; grants per role; and the
-- guard triggers through which the database itself refuses what PRODUCT_RULES.md §1 forbids.
--
-- Conventions (Supabase's performance advice):
--   * auth.uid() and the admin check are wrapped as (select …) so they run once per statement
--     (an InitPlan), not once per row;
--   * the admin check is a SECURITY DEFINER function, so a policy on `users` never queries
--     `users` under its own policies (errata 5: no recursion);
--   * every column a policy filters on is indexed (see 0002);
--   * policies name the roles they apply to, so anon requests skip authenticated policies.
SET LOCAL search_path = public, extensions;

-- ===================================================================== helpers
-- Runs with the owner's rights, so it reads `users` without going through users' policies.
CREATE FUNCTION public.is_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT EXISTS (
        SELECT 1 FROM public.users
         WHERE id = auth.uid() AND role = 'admin' AND account_status = 'active'
    )
$$;

-- The caller's role on the platform (talent / contributor / admin), or NULL when anonymous.
CREATE FUNCTION public.current_user_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT role FROM public.users WHERE id = auth.uid() AND account_status = 'active'
$$;

-- True for the platform itself: the service role, the owner or any role that bypasses RLS.
-- Invoker rights on purpose: it must see who is really running the statement.
CREATE FUNCTION public.is_platform() RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog
AS $$
    SELECT coalesce((SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user), false)
$$;

-- Gig access without going through gigs' own policies (which consult applications).
CREATE FUNCTION public.owns_gig(target_gig UUID) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT EXISTS (SELECT 1 FROM public.gigs WHERE id = target_gig AND owner_user_id = auth.uid())
$$;

CREATE FUNCTION public.has_applied(target_gig UUID) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT EXISTS (
        SELECT 1 FROM public.applications
         WHERE gig_id = target_gig AND applicant_user_id = auth.uid()
    )
$$;

-- The owner of a gig or one of its accepted talent: entitled to the gig's private media.
CREATE FUNCTION public.is_gig_participant(target_gig UUID) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT EXISTS (SELECT 1 FROM public.gigs WHERE id = target_gig AND owner_user_id = auth.uid())
        OR EXISTS (
            SELECT 1 FROM public.applications
             WHERE gig_id = target_gig AND applicant_user_id = auth.uid() AND status = 'accepted'
        )
$$;

-- Set-returning forms for policies: an uncorrelated `id IN (SELECT …)` runs once per statement
-- as a hashed subplan, where a per-row function call would run once for every row scanned.
CREATE FUNCTION public.my_gig_ids() RETURNS SETOF UUID
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT id FROM public.gigs WHERE owner_user_id = auth.uid()
$$;

CREATE FUNCTION public.my_applied_gig_ids() RETURNS SETOF UUID
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT gig_id FROM public.applications WHERE applicant_user_id = auth.uid()
$$;

CREATE FUNCTION public.my_participating_gig_ids() RETURNS SETOF UUID
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT id FROM public.gigs WHERE owner_user_id = auth.uid()
    UNION
    SELECT gig_id FROM public.applications WHERE applicant_user_id = auth.uid() AND status = 'accepted'
$$;

-- The status of `target_user`'s application to `target_gig`, or NULL when there is none. Only
-- answers the applicant themself and the gig's owner, so it reveals nothing RLS would hide.
CREATE FUNCTION public.application_status_of(target_gig UUID, target_user UUID) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT a.status FROM public.applications a
     WHERE a.gig_id = target_gig AND a.applicant_user_id = target_user
       AND (target_user = auth.uid()
            OR EXISTS (SELECT 1 FROM public.gigs g WHERE g.id = target_gig AND g.owner_user_id = auth.uid()))
$$;

REVOKE ALL ON FUNCTION public.is_admin(), public.current_user_role(), public.is_platform(),
    public.owns_gig(UUID), public.has_applied(UUID), public.is_gig_participant(UUID),
    public.my_gig_ids(), public.my_applied_gig_ids(), public.my_participating_gig_ids(),
    public.application_status_of(UUID, UUID) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.is_admin(), public.current_user_role(), public.is_platform(),
    public.owns_gig(UUID), public.has_applied(UUID), public.is_gig_participant(UUID),
    public.my_gig_ids(), public.my_applied_gig_ids(), public.my_participating_gig_ids()
    TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.application_status_of(UUID, UUID) TO authenticated, service_role;

-- Refuses a change to any of `columns` between two versions of a row, naming the column.
CREATE FUNCTION public.assert_unchanged(old_row jsonb, new_row jsonb, table_name text, columns text[], why text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog
AS $$
DECLARE
    col text;
BEGIN
    FOREACH col IN ARRAY columns LOOP
        IF old_row -> col IS DISTINCT FROM new_row -> col THEN
            RAISE EXCEPTION 'permission denied to change %.%', table_name, col
                USING ERRCODE = 'insufficient_privilege', DETAIL = why,
                      HINT = 'only the platform or an administrator can change this column';
        END IF;
    END LOOP;
END
$$;
GRANT EXECUTE ON FUNCTION public.assert_unchanged(jsonb, jsonb, text, text[], text) TO anon, authenticated, service_role;

-- ===================================================================== enable and force RLS
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'profiles', 'gigs', 'applications', 'showcases', 'media',
        'conversations', 'messages', 'reviews', 'moodboards', 'subscriptions', 'platform_credits',
        'user_credits', 'credit_transactions', 'credit_packages', 'source_images',
        'ai_enhancements', 'reports', 'user_content_preferences', 'content_moderation_log',
        'user_image_type_library', 'verification_requests', 'domain_events', 'notifications',
        'audit_logs'] LOOP
        EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', t);
        CONTINUE WHEN t = 'audit_logs';
        -- The platform's own jobs: explicit, although service_role bypasses RLS anyway, so the
        -- intent survives on servers where it does not.
        EXECUTE format('CREATE POLICY "Service role can manage %s" ON public.%I FOR ALL TO service_role USING (true) WITH CHECK (true)', replace(t, '_', ' '), t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO service_role', t);
    END LOOP;
END
$$;

-- ===================================================================== users
GRANT SELECT, UPDATE, DELETE ON users TO authenticated;
CREATE POLICY "Users can view own data" ON users FOR SELECT TO authenticated
    USING (id = (select auth.uid()));
CREATE POLICY "Admins can view all users" ON users FOR SELECT TO authenticated
    USING ((select public.is_admin()));
-- Errata 6: what a user may change on their own row is restricted by guard_users_update().
CREATE POLICY "Users can update own data" ON users FOR UPDATE TO authenticated
    USING (id = (select auth.uid())) WITH CHECK (id = (select auth.uid()));
CREATE POLICY "Admins can update all users" ON users FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Admins can delete users" ON users FOR DELETE TO authenticated
    USING ((select public.is_admin()) AND id <> (select auth.uid()));

CREATE FUNCTION public.guard_users_update() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'users', ARRAY['id', 'created_at'],
        'a user''s identity never changes');
    -- Nobody, admins included, changes these on their own row; admins may on other users'.
    IF OLD.id = auth.uid() OR NOT public.is_admin() THEN
        PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'users',
            ARRAY['email', 'role', 'verification_status', 'subscription_tier', 'subscription_status',
                  'stripe_customer_id', 'stripe_subscription_id', 'subscription_started_at',
                  'subscription_expires_at', 'last_login_at', 'email_verified_at',
                  'account_status', 'suspended_until'],
            'a user cannot change their own role, subscription, verification, billing or account status');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER users_guard BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION guard_users_update();

-- ===================================================================== profiles
GRANT SELECT ON profiles TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON profiles TO authenticated;
CREATE POLICY "Anyone can view profiles" ON profiles FOR SELECT TO anon, authenticated
    USING (true);
CREATE POLICY "Users can create own profile" ON profiles FOR INSERT TO authenticated
    WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "Users can update own profile" ON profiles FOR UPDATE TO authenticated
    USING (user_id = (select auth.uid())) WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "Admins can update all profiles" ON profiles FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Admins can delete profiles" ON profiles FOR DELETE TO authenticated
    USING ((select public.is_admin()));

CREATE FUNCTION public.guard_profiles_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
    protected text[] := ARRAY['is_verified', 'verification_badge', 'rating', 'review_count'];
    defaults jsonb := jsonb_build_object('is_verified', false, 'verification_badge', NULL,
                                         'rating', NULL, 'review_count', 0);
BEGIN
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM public.assert_unchanged(defaults, to_jsonb(NEW), 'profiles', protected,
            'verification and ratings are set by the platform');
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'profiles', ARRAY['id', 'user_id', 'created_at'],
        'a profile belongs to one user for good');
    IF OLD.user_id = auth.uid() OR NOT public.is_admin() THEN
        PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'profiles', protected,
            'verification and ratings are set by the platform');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER profiles_guard BEFORE INSERT OR UPDATE ON profiles FOR EACH ROW EXECUTE FUNCTION guard_profiles_write();

-- ===================================================================== gigs
GRANT SELECT ON gigs TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON gigs TO authenticated;
CREATE POLICY "Anyone can view published gigs" ON gigs FOR SELECT TO anon, authenticated
    USING (status = 'published');
CREATE POLICY "Owners can view own gigs" ON gigs FOR SELECT TO authenticated
    USING (owner_user_id = (select auth.uid()));
CREATE POLICY "Applicants can view gigs they applied to" ON gigs FOR SELECT TO authenticated
    USING (id IN (SELECT public.my_applied_gig_ids()));
CREATE POLICY "Admins can view all gigs" ON gigs FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Contributors can create own gigs" ON gigs FOR INSERT TO authenticated
    WITH CHECK (owner_user_id = (select auth.uid())
                AND (select public.current_user_role()) IN ('contributor', 'admin'));
CREATE POLICY "Owners can update own gigs" ON gigs FOR UPDATE TO authenticated
    USING (owner_user_id = (select auth.uid())) WITH CHECK (owner_user_id = (select auth.uid()));
CREATE POLICY "Admins can update all gigs" ON gigs FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Owners can delete own draft gigs" ON gigs FOR DELETE TO authenticated
    USING (owner_user_id = (select auth.uid()) AND status = 'draft');
CREATE POLICY "Admins can delete gigs" ON gigs FOR DELETE TO authenticated
    USING ((select public.is_admin()));

-- The gig lifecycle of PRODUCT_RULES §3, backed by the database.
CREATE FUNCTION public.gig_transition_allowed(from_status text, to_status text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT from_status = to_status OR (from_status, to_status) IN (
        ('draft', 'published'), ('published', 'closed'), ('closed', 'published'),
        ('published', 'completed'), ('closed', 'completed'),
        ('draft', 'cancelled'), ('published', 'cancelled'), ('closed', 'cancelled'))
$$;

CREATE FUNCTION public.guard_gigs_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' AND NOT public.is_platform() THEN
            RAISE EXCEPTION 'a gig starts as a draft' USING ERRCODE = 'check_violation',
                CONSTRAINT = 'gigs_status_transition';
        END IF;
        RETURN NEW;
    END IF;
    IF NOT public.gig_transition_allowed(OLD.status, NEW.status) THEN
        RAISE EXCEPTION 'a gig cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'gigs_status_transition';
    END IF;
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'gigs', ARRAY['id', 'owner_user_id', 'created_at'],
        'a gig belongs to its owner for good');
    RETURN NEW;
END
$$;
CREATE TRIGGER gigs_guard BEFORE INSERT OR UPDATE ON gigs FOR EACH ROW EXECUTE FUNCTION guard_gigs_write();

-- ===================================================================== applications
GRANT SELECT, INSERT, UPDATE, DELETE ON applications TO authenticated;
CREATE POLICY "Applicants can view own applications" ON applications FOR SELECT TO authenticated
    USING (applicant_user_id = (select auth.uid()));
CREATE POLICY "Gig owners can view applications" ON applications FOR SELECT TO authenticated
    USING (gig_id IN (SELECT public.my_gig_ids()));
CREATE POLICY "Admins can view all applications" ON applications FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Talent can create own applications" ON applications FOR INSERT TO authenticated
    WITH CHECK (applicant_user_id = (select auth.uid())
                AND (select public.current_user_role()) = 'talent'
                AND status = 'pending' AND reviewed_at IS NULL AND reviewed_by IS NULL
                AND EXISTS (SELECT 1 FROM gigs g WHERE g.id = gig_id AND g.status = 'published'
                              AND g.owner_user_id <> (select auth.uid())));
CREATE POLICY "Applicants can update own applications" ON applications FOR UPDATE TO authenticated
    USING (applicant_user_id = (select auth.uid())) WITH CHECK (applicant_user_id = (select auth.uid()));
CREATE POLICY "Gig owners can update applications" ON applications FOR UPDATE TO authenticated
    USING (gig_id IN (SELECT public.my_gig_ids())) WITH CHECK (gig_id IN (SELECT public.my_gig_ids()));
CREATE POLICY "Admins can update all applications" ON applications FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Admins can delete applications" ON applications FOR DELETE TO authenticated
    USING ((select public.is_admin()));

-- The application lifecycle of PRODUCT_RULES §4.
CREATE FUNCTION public.application_transition_allowed(from_status text, to_status text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT from_status = to_status OR (from_status, to_status) IN (
        ('pending', 'shortlisted'), ('pending', 'accepted'), ('pending', 'declined'),
        ('pending', 'withdrawn'), ('shortlisted', 'accepted'), ('shortlisted', 'declined'),
        ('shortlisted', 'withdrawn'))
$$;

CREATE FUNCTION public.guard_applications_update() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
    caller uuid := auth.uid();
    reviewer boolean;
BEGIN
    IF NOT public.application_transition_allowed(OLD.status, NEW.status) THEN
        RAISE EXCEPTION 'an application cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'applications_status_transition';
    END IF;
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'applications',
        ARRAY['id', 'gig_id', 'applicant_user_id', 'applied_at', 'profile_snapshot', 'compatibility_score'],
        'an application''s applicant, gig and snapshot are fixed when it is made');
    reviewer := public.owns_gig(OLD.gig_id) OR public.is_admin();
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NEW.status = 'withdrawn' THEN
            IF OLD.applicant_user_id IS DISTINCT FROM caller THEN
                RAISE EXCEPTION 'only the applicant can withdraw an application'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
        ELSIF NOT reviewer THEN
            RAISE EXCEPTION 'permission denied to change applications.status to %', NEW.status
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'an applicant can only withdraw their own application';
        END IF;
    END IF;
    IF NEW.note IS DISTINCT FROM OLD.note
       AND (OLD.applicant_user_id IS DISTINCT FROM caller OR OLD.status <> 'pending') THEN
        RAISE EXCEPTION 'permission denied to change applications.note'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'only the applicant edits the note, and only while the application is pending';
    END IF;
    IF (NEW.reviewed_at IS DISTINCT FROM OLD.reviewed_at OR NEW.reviewed_by IS DISTINCT FROM OLD.reviewed_by)
       AND (NOT reviewer OR NEW.reviewed_by IS DISTINCT FROM caller) THEN
        RAISE EXCEPTION 'permission denied to change applications.reviewed_by'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'the review is recorded by the gig owner or an admin, as themselves';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER applications_guard BEFORE UPDATE ON applications FOR EACH ROW EXECUTE FUNCTION guard_applications_update();

-- ===================================================================== showcases
GRANT SELECT ON showcases TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON showcases TO authenticated;
CREATE POLICY "Anyone can view public showcases" ON showcases FOR SELECT TO anon, authenticated
    USING (visibility = 'public');
CREATE POLICY "Participants can view own showcases" ON showcases FOR SELECT TO authenticated
    USING (creator_user_id = (select auth.uid()) OR talent_user_id = (select auth.uid()));
CREATE POLICY "Admins can view all showcases" ON showcases FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Participants can create own showcases" ON showcases FOR INSERT TO authenticated
    WITH CHECK ((creator_user_id = (select auth.uid()) OR talent_user_id = (select auth.uid()))
                AND visibility = 'private' AND published_at IS NULL
                AND approved_by_creator_at IS NULL AND approved_by_talent_at IS NULL
                AND likes_count = 0 AND views_count = 0
                AND EXISTS (SELECT 1 FROM gigs g WHERE g.id = gig_id AND g.status = 'completed'
                              AND g.owner_user_id = creator_user_id)
                AND public.application_status_of(gig_id, talent_user_id) = 'accepted');
CREATE POLICY "Participants can update own showcases" ON showcases FOR UPDATE TO authenticated
    USING (creator_user_id = (select auth.uid()) OR talent_user_id = (select auth.uid()))
    WITH CHECK (creator_user_id = (select auth.uid()) OR talent_user_id = (select auth.uid()));
CREATE POLICY "Admins can update all showcases" ON showcases FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Participants can delete own private showcases" ON showcases FOR DELETE TO authenticated
    USING ((creator_user_id = (select auth.uid()) OR talent_user_id = (select auth.uid()))
           AND visibility = 'private' AND published_at IS NULL);
CREATE POLICY "Admins can delete showcases" ON showcases FOR DELETE TO authenticated
    USING ((select public.is_admin()));

CREATE FUNCTION public.guard_showcases_update() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
    caller uuid := auth.uid();
BEGIN
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'showcases',
        ARRAY['id', 'gig_id', 'creator_user_id', 'talent_user_id', 'likes_count', 'views_count', 'created_at'],
        'the pair and the counters are kept by the platform');
    -- Each side approves for itself only.
    IF NEW.approved_by_creator_at IS DISTINCT FROM OLD.approved_by_creator_at AND caller IS DISTINCT FROM OLD.creator_user_id THEN
        RAISE EXCEPTION 'permission denied to change showcases.approved_by_creator_at'
            USING ERRCODE = 'insufficient_privilege', DETAIL = 'only the creator approves for the creator';
    END IF;
    IF NEW.approved_by_talent_at IS DISTINCT FROM OLD.approved_by_talent_at AND caller IS DISTINCT FROM OLD.talent_user_id THEN
        RAISE EXCEPTION 'permission denied to change showcases.approved_by_talent_at'
            USING ERRCODE = 'insufficient_privilege', DETAIL = 'only the talent approves for the talent';
    END IF;
    -- After publication the content is frozen; visibility may still be withdrawn.
    IF OLD.published_at IS NOT NULL THEN
        PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'showcases',
            ARRAY['media_ids', 'caption', 'tags', 'palette'],
            'a published showcase''s media and caption are frozen');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER showcases_guard BEFORE UPDATE ON showcases FOR EACH ROW EXECUTE FUNCTION guard_showcases_update();

-- ===================================================================== media
GRANT SELECT ON media TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON media TO authenticated;
CREATE POLICY "Anyone can view public media" ON media FOR SELECT TO anon, authenticated
    USING (visibility = 'public');
CREATE POLICY "Owners can view own media" ON media FOR SELECT TO authenticated
    USING (owner_user_id = (select auth.uid()));
CREATE POLICY "Gig participants can view gig media" ON media FOR SELECT TO authenticated
    USING (gig_id IN (SELECT public.my_participating_gig_ids()));
CREATE POLICY "Admins can view all media" ON media FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Users can upload own media" ON media FOR INSERT TO authenticated
    WITH CHECK (owner_user_id = (select auth.uid()));
CREATE POLICY "Owners can update own media" ON media FOR UPDATE TO authenticated
    USING (owner_user_id = (select auth.uid())) WITH CHECK (owner_user_id = (select auth.uid()));
CREATE POLICY "Owners can delete own media" ON media FOR DELETE TO authenticated
    USING (owner_user_id = (select auth.uid()));
CREATE POLICY "Admins can delete media" ON media FOR DELETE TO authenticated
    USING ((select public.is_admin()));

-- ===================================================================== conversations
GRANT SELECT, INSERT, UPDATE, DELETE ON conversations TO authenticated;
CREATE POLICY "Participants can view own conversations" ON conversations FOR SELECT TO authenticated
    USING (participants @> ARRAY[(select auth.uid())]);
CREATE POLICY "Admins can view all conversations" ON conversations FOR SELECT TO authenticated
    USING ((select public.is_admin()));
-- Opened by the applicant (on apply) or the owner (on accept); the gig owner is always one side.
CREATE POLICY "Gig parties can open conversations" ON conversations FOR INSERT TO authenticated
    WITH CHECK (participants @> ARRAY[(select auth.uid())]
                AND status = 'active' AND blocked_by IS NULL
                AND EXISTS (SELECT 1 FROM gigs g
                             WHERE g.id = gig_id AND g.owner_user_id = ANY (participants)
                               AND public.application_status_of(g.id,
                                     CASE WHEN participants[1] = g.owner_user_id
                                          THEN participants[2] ELSE participants[1] END) IS NOT NULL));
CREATE POLICY "Participants can update own conversations" ON conversations FOR UPDATE TO authenticated
    USING (participants @> ARRAY[(select auth.uid())])
    WITH CHECK (participants @> ARRAY[(select auth.uid())]);
CREATE POLICY "Admins can delete conversations" ON conversations FOR DELETE TO authenticated
    USING ((select public.is_admin()));

CREATE FUNCTION public.guard_conversations_update() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
    caller uuid := auth.uid();
BEGIN
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'conversations',
        ARRAY['id', 'gig_id', 'participants', 'created_at'], 'a conversation''s parties are fixed');
    IF NEW.blocked_by IS DISTINCT FROM OLD.blocked_by THEN
        IF (OLD.blocked_by IS NULL AND NEW.blocked_by IS DISTINCT FROM caller)
           OR (OLD.blocked_by IS NOT NULL AND OLD.blocked_by IS DISTINCT FROM caller) THEN
            RAISE EXCEPTION 'permission denied to change conversations.blocked_by'
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'a participant blocks as themselves, and only the one who blocked unblocks';
        END IF;
    END IF;
    IF (SELECT array_agg(x ORDER BY x) FROM unnest(NEW.archived_by) x WHERE x <> caller)
       IS DISTINCT FROM (SELECT array_agg(x ORDER BY x) FROM unnest(OLD.archived_by) x WHERE x <> caller) THEN
        RAISE EXCEPTION 'permission denied to change conversations.archived_by'
            USING ERRCODE = 'insufficient_privilege', DETAIL = 'each participant archives only for themselves';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER conversations_guard BEFORE UPDATE ON conversations FOR EACH ROW EXECUTE FUNCTION guard_conversations_update();

-- ===================================================================== messages
GRANT SELECT, INSERT, UPDATE, DELETE ON messages TO authenticated;
CREATE POLICY "Participants can view own messages" ON messages FOR SELECT TO authenticated
    USING (from_user_id = (select auth.uid()) OR to_user_id = (select auth.uid()));
CREATE POLICY "Admins can view all messages" ON messages FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Participants can send messages" ON messages FOR INSERT TO authenticated
    WITH CHECK (from_user_id = (select auth.uid())
                AND read_at IS NULL AND edited_at IS NULL AND deleted_at IS NULL
                AND EXISTS (SELECT 1 FROM conversations c
                             WHERE c.id = conversation_id
                               AND c.participants @> ARRAY[from_user_id, to_user_id]
                               AND c.status <> 'blocked'));
CREATE POLICY "Participants can update own messages" ON messages FOR UPDATE TO authenticated
    USING (from_user_id = (select auth.uid()) OR to_user_id = (select auth.uid()))
    WITH CHECK (from_user_id = (select auth.uid()) OR to_user_id = (select auth.uid()));
CREATE POLICY "Admins can delete messages" ON messages FOR DELETE TO authenticated
    USING ((select public.is_admin()));

CREATE FUNCTION public.guard_messages_update() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
    caller uuid := auth.uid();
BEGIN
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'messages',
        ARRAY['id', 'conversation_id', 'from_user_id', 'to_user_id', 'sent_at'],
        'a message''s sender, recipient and time are fixed');
    IF caller = OLD.to_user_id THEN
        -- The recipient only marks the message read.
        PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'messages',
            ARRAY['body', 'attachments', 'edited_at', 'deleted_at'], 'only the sender edits or deletes');
    ELSE
        PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'messages',
            ARRAY['read_at'], 'only the recipient marks a message read');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER messages_guard BEFORE UPDATE ON messages FOR EACH ROW EXECUTE FUNCTION guard_messages_update();

-- ===================================================================== reviews
GRANT SELECT ON reviews TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON reviews TO authenticated;
CREATE POLICY "Anyone can view public reviews" ON reviews FOR SELECT TO anon, authenticated
    USING (is_public);
CREATE POLICY "Parties can view own reviews" ON reviews FOR SELECT TO authenticated
    USING (reviewer_id = (select auth.uid()) OR reviewee_id = (select auth.uid()));
CREATE POLICY "Admins can view all reviews" ON reviews FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Gig parties can create own reviews" ON reviews FOR INSERT TO authenticated
    WITH CHECK (reviewer_id = (select auth.uid()) AND is_public
                AND EXISTS (SELECT 1 FROM gigs g
                             WHERE g.id = gig_id AND g.status = 'completed'
                               AND ((g.owner_user_id = reviewer_id
                                     AND public.application_status_of(g.id, reviewee_id) = 'accepted')
                                 OR (g.owner_user_id = reviewee_id
                                     AND public.application_status_of(g.id, reviewer_id) = 'accepted'))));
CREATE POLICY "Reviewers can update own reviews" ON reviews FOR UPDATE TO authenticated
    USING (reviewer_id = (select auth.uid())) WITH CHECK (reviewer_id = (select auth.uid()));
CREATE POLICY "Admins can update all reviews" ON reviews FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Admins can delete reviews" ON reviews FOR DELETE TO authenticated
    USING ((select public.is_admin()));

CREATE FUNCTION public.guard_reviews_update() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'reviews',
        ARRAY['id', 'gig_id', 'reviewer_id', 'reviewee_id', 'created_at'], 'a review''s parties are fixed');
    IF NOT public.is_admin() THEN
        PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'reviews',
            ARRAY['is_public'], 'only an admin hides a review');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER reviews_guard BEFORE UPDATE ON reviews FOR EACH ROW EXECUTE FUNCTION guard_reviews_update();

-- ===================================================================== moodboards
GRANT SELECT ON moodboards TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON moodboards TO authenticated;
CREATE POLICY "Anyone can view public moodboards" ON moodboards FOR SELECT TO anon, authenticated
    USING (is_public);
CREATE POLICY "Owners can view own moodboards" ON moodboards FOR SELECT TO authenticated
    USING (owner_user_id = (select auth.uid()));
CREATE POLICY "Admins can view all moodboards" ON moodboards FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Contributors can create own moodboards" ON moodboards FOR INSERT TO authenticated
    WITH CHECK (owner_user_id = (select auth.uid())
                AND (select public.current_user_role()) IN ('contributor', 'admin')
                AND (gig_id IS NULL OR public.owns_gig(gig_id)));
CREATE POLICY "Owners can update own moodboards" ON moodboards FOR UPDATE TO authenticated
    USING (owner_user_id = (select auth.uid()))
    WITH CHECK (owner_user_id = (select auth.uid()) AND (gig_id IS NULL OR public.owns_gig(gig_id)));
CREATE POLICY "Admins can update all moodboards" ON moodboards FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Owners can delete own moodboards" ON moodboards FOR DELETE TO authenticated
    USING (owner_user_id = (select auth.uid()));
CREATE POLICY "Admins can delete moodboards" ON moodboards FOR DELETE TO authenticated
    USING ((select public.is_admin()));

-- ===================================================================== subscriptions
GRANT SELECT, INSERT, UPDATE ON subscriptions TO authenticated;
CREATE POLICY "Users can view own subscription" ON subscriptions FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can view all subscriptions" ON subscriptions FOR SELECT TO authenticated
    USING ((select public.is_admin()));
-- An admin sets a tier by hand when billing is not configured, never their own.
CREATE POLICY "Admins can create subscriptions for others" ON subscriptions FOR INSERT TO authenticated
    WITH CHECK ((select public.is_admin()) AND user_id <> (select auth.uid()));
CREATE POLICY "Admins can update subscriptions of others" ON subscriptions FOR UPDATE TO authenticated
    USING ((select public.is_admin()) AND user_id <> (select auth.uid()))
    WITH CHECK ((select public.is_admin()) AND user_id <> (select auth.uid()));

-- ===================================================================== credits
GRANT SELECT, INSERT, UPDATE, DELETE ON platform_credits TO authenticated;
CREATE POLICY "Admins can view platform credits" ON platform_credits FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Admins can create platform credits" ON platform_credits FOR INSERT TO authenticated
    WITH CHECK ((select public.is_admin()));
CREATE POLICY "Admins can update platform credits" ON platform_credits FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Admins can delete platform credits" ON platform_credits FOR DELETE TO authenticated
    USING ((select public.is_admin()));

-- Balances and the ledger change only through the platform (service role): no write grants.
GRANT SELECT ON user_credits, credit_transactions TO authenticated;
CREATE POLICY "Users can view own credits" ON user_credits FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can view all credits" ON user_credits FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Users can view own credit transactions" ON credit_transactions FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can view all credit transactions" ON credit_transactions FOR SELECT TO authenticated
    USING ((select public.is_admin()));

GRANT SELECT ON credit_packages TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON credit_packages TO authenticated;
CREATE POLICY "Anyone can view active credit packages" ON credit_packages FOR SELECT TO anon, authenticated
    USING (is_active);
CREATE POLICY "Admins can view all credit packages" ON credit_packages FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Admins can create credit packages" ON credit_packages FOR INSERT TO authenticated
    WITH CHECK ((select public.is_admin()));
CREATE POLICY "Admins can update credit packages" ON credit_packages FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Admins can delete credit packages" ON credit_packages FOR DELETE TO authenticated
    USING ((select public.is_admin()));

-- ===================================================================== AI
GRANT SELECT, INSERT, UPDATE, DELETE ON source_images TO authenticated;
CREATE POLICY "Users can view own source images" ON source_images FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can view all source images" ON source_images FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Users can create own source images" ON source_images FOR INSERT TO authenticated
    WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "Users can update own source images" ON source_images FOR UPDATE TO authenticated
    USING (user_id = (select auth.uid())) WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "Users can delete own source images" ON source_images FOR DELETE TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can delete source images" ON source_images FOR DELETE TO authenticated
    USING ((select public.is_admin()));

-- Jobs are created and run by the platform (credits are reserved in the same transaction);
-- their owners read them.
GRANT SELECT ON ai_enhancements TO authenticated;
CREATE POLICY "Users can view own enhancements" ON ai_enhancements FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can view all enhancements" ON ai_enhancements FOR SELECT TO authenticated
    USING ((select public.is_admin()));

-- ===================================================================== safety
GRANT SELECT, INSERT, UPDATE ON reports TO authenticated;
CREATE POLICY "Reporters can view own reports" ON reports FOR SELECT TO authenticated
    USING (reporter_user_id = (select auth.uid()));
CREATE POLICY "Admins can view all reports" ON reports FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Users can create own reports" ON reports FOR INSERT TO authenticated
    WITH CHECK (reporter_user_id = (select auth.uid()) AND status = 'pending'
                AND reviewed_by IS NULL AND reviewed_at IS NULL AND resolution IS NULL);
CREATE POLICY "Admins can update reports" ON reports FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));

-- Priority is set on arrival by the database (PRODUCT_RULES §9), whatever the caller sent.
CREATE FUNCTION public.reports_set_priority() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    recent integer;
BEGIN
    IF NEW.reason IN ('underage', 'safety') THEN
        NEW.priority := 'critical';
        RETURN NEW;
    END IF;
    SELECT count(*) + 1 INTO recent
      FROM public.reports r
     WHERE r.status IN ('pending', 'reviewed')
       AND r.created_at > now() - interval '24 hours'
       AND ((r.content_type = NEW.content_type AND r.content_id = NEW.content_id)
            OR (NEW.reported_user_id IS NOT NULL AND r.reported_user_id = NEW.reported_user_id));
    NEW.priority := CASE WHEN recent >= 5 THEN 'high' WHEN recent >= 2 THEN 'medium' ELSE 'low' END;
    RETURN NEW;
END
$$;
CREATE TRIGGER reports_priority BEFORE INSERT ON reports FOR EACH ROW EXECUTE FUNCTION reports_set_priority();

GRANT SELECT, INSERT, UPDATE, DELETE ON user_content_preferences TO authenticated;
CREATE POLICY "Users can view own content preferences" ON user_content_preferences FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can view all content preferences" ON user_content_preferences FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Users can create own content preferences" ON user_content_preferences FOR INSERT TO authenticated
    WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "Users can update own content preferences" ON user_content_preferences FOR UPDATE TO authenticated
    USING (user_id = (select auth.uid())) WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "Users can delete own content preferences" ON user_content_preferences FOR DELETE TO authenticated
    USING (user_id = (select auth.uid()));

GRANT SELECT, INSERT ON content_moderation_log TO authenticated;
CREATE POLICY "Admins can view moderation log" ON content_moderation_log FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Admins can write moderation log" ON content_moderation_log FOR INSERT TO authenticated
    WITH CHECK ((select public.is_admin()) AND moderator_user_id = (select auth.uid()) AND NOT automated);

GRANT SELECT, INSERT, UPDATE, DELETE ON user_image_type_library TO authenticated;
CREATE POLICY "Users can view own image types" ON user_image_type_library FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can view all image types" ON user_image_type_library FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Users can create own image types" ON user_image_type_library FOR INSERT TO authenticated
    WITH CHECK (user_id = (select auth.uid()) AND NOT is_flagged AND usage_count = 0);
CREATE POLICY "Users can update own image types" ON user_image_type_library FOR UPDATE TO authenticated
    USING (user_id = (select auth.uid())) WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "Admins can update all image types" ON user_image_type_library FOR UPDATE TO authenticated
    USING ((select public.is_admin())) WITH CHECK ((select public.is_admin()));
CREATE POLICY "Users can delete own image types" ON user_image_type_library FOR DELETE TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can delete image types" ON user_image_type_library FOR DELETE TO authenticated
    USING ((select public.is_admin()));

CREATE FUNCTION public.guard_image_types_update() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'user_image_type_library',
        ARRAY['id', 'user_id', 'created_at'], 'an image type belongs to one user');
    IF NOT public.is_admin() THEN
        PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'user_image_type_library',
            ARRAY['is_flagged', 'usage_count'], 'screening flags and counters are kept by the platform');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER user_image_type_library_guard BEFORE UPDATE ON user_image_type_library
    FOR EACH ROW EXECUTE FUNCTION guard_image_types_update();

GRANT SELECT, INSERT, UPDATE, DELETE ON verification_requests TO authenticated;
CREATE POLICY "Users can view own verification requests" ON verification_requests FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Admins can view all verification requests" ON verification_requests FOR SELECT TO authenticated
    USING ((select public.is_admin()));
CREATE POLICY "Users can create own verification requests" ON verification_requests FOR INSERT TO authenticated
    WITH CHECK (user_id = (select auth.uid()) AND status = 'pending'
                AND reviewed_by IS NULL AND reviewed_at IS NULL);
-- An admin decides other people's requests, never their own.
CREATE POLICY "Admins can decide verification requests" ON verification_requests FOR UPDATE TO authenticated
    USING ((select public.is_admin()) AND user_id <> (select auth.uid()))
    WITH CHECK ((select public.is_admin()) AND user_id <> (select auth.uid()));
CREATE POLICY "Users can cancel own pending verification requests" ON verification_requests FOR DELETE TO authenticated
    USING (user_id = (select auth.uid()) AND status = 'pending');

-- ===================================================================== system
-- Domain events are written by the request's own transaction (outbox), as the acting user.
GRANT INSERT ON domain_events TO authenticated;
GRANT SELECT ON domain_events TO authenticated;
CREATE POLICY "Users can record own events" ON domain_events FOR INSERT TO authenticated
    WITH CHECK (actor_user_id = (select auth.uid()) AND processed_at IS NULL AND attempts = 0);
CREATE POLICY "Admins can view events" ON domain_events FOR SELECT TO authenticated
    USING ((select public.is_admin()));

GRANT SELECT, UPDATE, DELETE ON notifications TO authenticated;
CREATE POLICY "Users can view own notifications" ON notifications FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "Users can update own notifications" ON notifications FOR UPDATE TO authenticated
    USING (user_id = (select auth.uid())) WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "Users can delete own notifications" ON notifications FOR DELETE TO authenticated
    USING (user_id = (select auth.uid()));

CREATE FUNCTION public.guard_notifications_update() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'notifications',
        ARRAY['id', 'user_id', 'type', 'title', 'body', 'data', 'source_event_id', 'emailed_at', 'created_at'],
        'a notification''s recipient only marks it read');
    RETURN NEW;
END
$$;
CREATE TRIGGER notifications_guard BEFORE UPDATE ON notifications FOR EACH ROW EXECUTE FUNCTION guard_notifications_update();

-- Audit rows are read by admins; written only by the audit trigger (0004).
GRANT SELECT ON audit_logs TO authenticated, service_role;
CREATE POLICY "Service role can view audit logs" ON audit_logs FOR SELECT TO service_role
    USING (true);
CREATE POLICY "Admins can view audit logs" ON audit_logs FOR SELECT TO authenticated
    USING ((select public.is_admin()));
