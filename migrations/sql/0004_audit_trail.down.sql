-- Undo 0004.
SELECT public.disable_audit(t::regclass)
  FROM unnest(ARRAY['users', 'profiles', 'gigs', 'applications', 'showcases', 'media',
        'conversations', 'messages', 'reviews', 'moodboards', 'subscriptions', 'platform_credits',
        'user_credits', 'credit_transactions', 'credit_packages', 'source_images',
        'ai_enhancements', 'reports', 'user_content_preferences', 'content_moderation_log',
        'user_image_type_library', 'verification_requests', 'domain_events', 'notifications']) AS t;
DROP TRIGGER IF EXISTS audit_logs_append_only ON audit_logs;
DROP TRIGGER IF EXISTS audit_logs_no_truncate ON audit_logs;
DROP FUNCTION IF EXISTS public.audit_logs_append_only();
DROP FUNCTION IF EXISTS public.enable_audit(regclass, text, text[]);
DROP FUNCTION IF EXISTS public.disable_audit(regclass);
DROP FUNCTION IF EXISTS public.audit_changes();
