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
\apply current/functions/public.is_admin.sql sha256=f1698b4aa0803825

\apply current/functions/public.current_user_role.sql sha256=7e3ad1193eec0628

\apply current/functions/public.is_platform.sql sha256=b9fadd534aad59b8

\apply current/functions/public.owns_gig.sql sha256=9439a5f7b581a1e0

\apply current/functions/public.has_applied.sql sha256=ec8f84cdfc22608a

\apply current/functions/public.is_gig_participant.sql sha256=5cc583eabe432562

\apply current/functions/public.my_gig_ids.sql sha256=f99cf9518b96ba40

\apply current/functions/public.my_applied_gig_ids.sql sha256=014acca1fb4ab46d

\apply current/functions/public.my_participating_gig_ids.sql sha256=ca0117cb75daa1a9

\apply current/functions/public.application_status_of.sql sha256=81fca9b41bb9ae4d

REVOKE ALL ON FUNCTION public.is_admin(), public.current_user_role(), public.is_platform(),
    public.owns_gig(UUID), public.has_applied(UUID), public.is_gig_participant(UUID),
    public.my_gig_ids(), public.my_applied_gig_ids(), public.my_participating_gig_ids(),
    public.application_status_of(UUID, UUID) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.is_admin(), public.current_user_role(), public.is_platform(),
    public.owns_gig(UUID), public.has_applied(UUID), public.is_gig_participant(UUID),
    public.my_gig_ids(), public.my_applied_gig_ids(), public.my_participating_gig_ids()
    TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.application_status_of(UUID, UUID) TO authenticated, service_role;

\apply current/functions/public.assert_unchanged.sql sha256=230549aa25720dea
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
        -- The platform's own jobs (each table's policies also say so: "Service role can manage …").
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO service_role', t);
    END LOOP;
END
$$;

-- ===================================================================== users
GRANT SELECT, UPDATE, DELETE ON users TO authenticated;
\apply current/policies/public.users.sql sha256=25a6ee38616d854f

\apply current/functions/public.guard_users_update.sql sha256=b18c0c4c69a00977
CREATE TRIGGER users_guard BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION guard_users_update();

-- ===================================================================== profiles
GRANT SELECT ON profiles TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON profiles TO authenticated;
\apply current/policies/public.profiles.sql sha256=e4f81853a81c1466

\apply current/functions/public.guard_profiles_write.sql sha256=dcfdf7ac1ec7089c
CREATE TRIGGER profiles_guard BEFORE INSERT OR UPDATE ON profiles FOR EACH ROW EXECUTE FUNCTION guard_profiles_write();

-- ===================================================================== gigs
GRANT SELECT ON gigs TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON gigs TO authenticated;
\apply current/policies/public.gigs.sql sha256=ca26862fde952bcb

\apply current/functions/public.gig_transition_allowed.sql sha256=13db6f44031cc042

\apply current/functions/public.guard_gigs_write.sql sha256=651266f353eec641
CREATE TRIGGER gigs_guard BEFORE INSERT OR UPDATE ON gigs FOR EACH ROW EXECUTE FUNCTION guard_gigs_write();

-- ===================================================================== applications
GRANT SELECT, INSERT, UPDATE, DELETE ON applications TO authenticated;
\apply current/policies/public.applications.sql sha256=6ffd00dffcac0e69

\apply current/functions/public.application_transition_allowed.sql sha256=89b121dc69c4ff65

\apply current/functions/public.guard_applications_update.sql sha256=d044e05db9e390ee
CREATE TRIGGER applications_guard BEFORE UPDATE ON applications FOR EACH ROW EXECUTE FUNCTION guard_applications_update();

-- ===================================================================== showcases
GRANT SELECT ON showcases TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON showcases TO authenticated;
\apply current/policies/public.showcases.sql sha256=d28529f2a90669bc

\apply current/functions/public.guard_showcases_update.sql sha256=bf3e6859a6b3739d
CREATE TRIGGER showcases_guard BEFORE UPDATE ON showcases FOR EACH ROW EXECUTE FUNCTION guard_showcases_update();

-- ===================================================================== media
GRANT SELECT ON media TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON media TO authenticated;
\apply current/policies/public.media.sql sha256=3f4098e28e40f538

-- ===================================================================== conversations
GRANT SELECT, INSERT, UPDATE, DELETE ON conversations TO authenticated;
\apply current/policies/public.conversations.sql sha256=d16d7b0973d58659

\apply current/functions/public.guard_conversations_update.sql sha256=a803c37ad4b095dd
CREATE TRIGGER conversations_guard BEFORE UPDATE ON conversations FOR EACH ROW EXECUTE FUNCTION guard_conversations_update();

-- ===================================================================== messages
GRANT SELECT, INSERT, UPDATE, DELETE ON messages TO authenticated;
\apply current/policies/public.messages.sql sha256=0f521aea1dd9eebf

\apply current/functions/public.guard_messages_update.sql sha256=a25115c9d10b7271
CREATE TRIGGER messages_guard BEFORE UPDATE ON messages FOR EACH ROW EXECUTE FUNCTION guard_messages_update();

-- ===================================================================== reviews
GRANT SELECT ON reviews TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON reviews TO authenticated;
\apply current/policies/public.reviews.sql sha256=4268a38f2b6a4e2f

\apply current/functions/public.guard_reviews_update.sql sha256=6f0057bb3d968ce3
CREATE TRIGGER reviews_guard BEFORE UPDATE ON reviews FOR EACH ROW EXECUTE FUNCTION guard_reviews_update();

-- ===================================================================== moodboards
GRANT SELECT ON moodboards TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON moodboards TO authenticated;
\apply current/policies/public.moodboards.sql sha256=2d2d77233dedbbb5

-- ===================================================================== subscriptions
GRANT SELECT, INSERT, UPDATE ON subscriptions TO authenticated;
\apply current/policies/public.subscriptions.sql sha256=21d5a90ec26c3651

-- ===================================================================== credits
GRANT SELECT, INSERT, UPDATE, DELETE ON platform_credits TO authenticated;
\apply current/policies/public.platform_credits.sql sha256=52170f82dca9327c

-- Balances and the ledger change only through the platform (service role): no write grants.
GRANT SELECT ON user_credits, credit_transactions TO authenticated;
\apply current/policies/public.user_credits.sql sha256=fae3f8861334e972
\apply current/policies/public.credit_transactions.sql sha256=43e91ee0d97be4d9

GRANT SELECT ON credit_packages TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON credit_packages TO authenticated;
\apply current/policies/public.credit_packages.sql sha256=703a62ff3956f029

-- ===================================================================== AI
GRANT SELECT, INSERT, UPDATE, DELETE ON source_images TO authenticated;
\apply current/policies/public.source_images.sql sha256=78a58cfaddb9f8df

-- Jobs are created and run by the platform (credits are reserved in the same transaction);
-- their owners read them.
GRANT SELECT ON ai_enhancements TO authenticated;
\apply current/policies/public.ai_enhancements.sql sha256=b32aa662a7bf285d

-- ===================================================================== safety
GRANT SELECT, INSERT, UPDATE ON reports TO authenticated;
\apply current/policies/public.reports.sql sha256=2b9f21d936a7f503

\apply current/functions/public.reports_set_priority.sql sha256=fef12d473df3e1b7
CREATE TRIGGER reports_priority BEFORE INSERT ON reports FOR EACH ROW EXECUTE FUNCTION reports_set_priority();

GRANT SELECT, INSERT, UPDATE, DELETE ON user_content_preferences TO authenticated;
\apply current/policies/public.user_content_preferences.sql sha256=2e229e4e1914a6ea

GRANT SELECT, INSERT ON content_moderation_log TO authenticated;
\apply current/policies/public.content_moderation_log.sql sha256=0259cbb3e4cd5d90

GRANT SELECT, INSERT, UPDATE, DELETE ON user_image_type_library TO authenticated;
\apply current/policies/public.user_image_type_library.sql sha256=3780b553a6002a1d

\apply current/functions/public.guard_image_types_update.sql sha256=f50fe3638c52594a
CREATE TRIGGER user_image_type_library_guard BEFORE UPDATE ON user_image_type_library
    FOR EACH ROW EXECUTE FUNCTION guard_image_types_update();

GRANT SELECT, INSERT, UPDATE, DELETE ON verification_requests TO authenticated;
\apply current/policies/public.verification_requests.sql sha256=e15a43f62db4e8bc

-- ===================================================================== system
-- Domain events are written by the request's own transaction (outbox), as the acting user.
GRANT INSERT ON domain_events TO authenticated;
GRANT SELECT ON domain_events TO authenticated;
\apply current/policies/public.domain_events.sql sha256=f249deee38ccc901

GRANT SELECT, UPDATE, DELETE ON notifications TO authenticated;
\apply current/policies/public.notifications.sql sha256=ab9ac0068b7147cf

\apply current/functions/public.guard_notifications_update.sql sha256=8eaac5238bc05ea1
CREATE TRIGGER notifications_guard BEFORE UPDATE ON notifications FOR EACH ROW EXECUTE FUNCTION guard_notifications_update();

-- Audit rows are read by admins; written only by the audit trigger (0004).
GRANT SELECT ON audit_logs TO authenticated, service_role;
\apply current/policies/public.audit_logs.sql sha256=319b49879c19e3ac
