-- Undo 0002: drop every table, in dependency order, and the functions it created.
ALTER TABLE IF EXISTS gigs DROP CONSTRAINT IF EXISTS gigs_moodboard_id_fkey;
ALTER TABLE IF EXISTS conversations DROP CONSTRAINT IF EXISTS conversations_last_message_id_fkey;
DROP TABLE IF EXISTS audit_logs, notifications, domain_events, verification_requests,
    user_image_type_library, content_moderation_log, user_content_preferences, reports,
    ai_enhancements, source_images, credit_packages, credit_transactions, user_credits,
    platform_credits, subscriptions, moodboards, reviews, messages, conversations, media,
    showcases, applications, gigs, profiles, users;
DROP FUNCTION IF EXISTS public.reviews_refresh_rating();
DROP FUNCTION IF EXISTS public.refresh_profile_rating(UUID);
DROP FUNCTION IF EXISTS public.gigs_set_location_geo();
DROP FUNCTION IF EXISTS public.set_updated_at();
