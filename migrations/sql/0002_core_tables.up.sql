-- The 25 tables of the schema document, corrected per PRODUCT_RULES.md "Seed errata", with the
-- nine tables it only names designed from the product rules. docs/schema.md lists every
-- deviation from the document and why.
SET LOCAL search_path = public, extensions;

\apply current/functions/public.set_updated_at.sql sha256=942eabe616a9cbca

-- ===================================================================== users and profiles
CREATE TABLE users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email TEXT UNIQUE NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('talent', 'contributor', 'admin')),
    verification_status TEXT NOT NULL DEFAULT 'unverified' CHECK (verification_status IN ('unverified', 'email_verified', 'phone_verified', 'id_verified')),
    subscription_tier TEXT NOT NULL DEFAULT 'free' CHECK (subscription_tier IN ('free', 'plus', 'pro')),
    subscription_status TEXT NOT NULL DEFAULT 'active' CHECK (subscription_status IN ('active', 'canceled', 'past_due', 'unpaid')),
    stripe_customer_id TEXT UNIQUE,
    stripe_subscription_id TEXT UNIQUE,
    subscription_started_at TIMESTAMPTZ,
    subscription_expires_at TIMESTAMPTZ,
    last_login_at TIMESTAMPTZ,
    -- Added: e-mail verification, moderation state (PRODUCT_RULES §9).
    email_verified_at TIMESTAMPTZ,
    account_status TEXT NOT NULL DEFAULT 'active' CHECK (account_status IN ('active', 'suspended', 'banned')),
    suspended_until TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT users_email_format CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    CONSTRAINT users_suspension_has_end CHECK (account_status <> 'suspended' OR suspended_until IS NOT NULL)
);
CREATE INDEX idx_users_email ON users(email);
CREATE UNIQUE INDEX idx_users_email_lower ON users(lower(email));
CREATE INDEX idx_users_role ON users(role);
CREATE INDEX idx_users_subscription_tier ON users(subscription_tier);
CREATE INDEX idx_users_stripe_customer_id ON users(stripe_customer_id);
-- Errata 2: NOW() is not immutable, so the "last 30 days" predicate cannot live in the index;
-- the range condition goes in the query, this index serves it.
CREATE INDEX idx_user_activity ON users(last_login_at, subscription_tier) WHERE last_login_at IS NOT NULL;
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE profiles (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    handle TEXT UNIQUE NOT NULL,
    avatar_url TEXT,
    bio TEXT,
    city TEXT,
    country TEXT,
    style_tags TEXT[] NOT NULL DEFAULT '{}',
    looking_for_types TEXT[] NOT NULL DEFAULT '{}',
    experience_years INTEGER NOT NULL DEFAULT 0,
    equipment TEXT[] NOT NULL DEFAULT '{}',
    portfolio_urls TEXT[] NOT NULL DEFAULT '{}',
    social_links JSONB NOT NULL DEFAULT '{}',
    profile_completion_percentage INTEGER NOT NULL DEFAULT 0,
    is_verified BOOLEAN NOT NULL DEFAULT false,
    verification_badge TEXT,
    -- Added (errata 4, PRODUCT_RULES §6): kept current by a trigger on reviews.
    rating NUMERIC(3,2),
    review_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE(user_id),
    CONSTRAINT profiles_handle_format CHECK (handle ~ '^[a-z0-9_]{3,30}$'),
    CONSTRAINT profiles_display_name_length CHECK (char_length(btrim(display_name)) BETWEEN 1 AND 80),
    CONSTRAINT profiles_bio_length CHECK (bio IS NULL OR char_length(bio) <= 2000),
    CONSTRAINT profiles_experience_years_range CHECK (experience_years BETWEEN 0 AND 80),
    CONSTRAINT profiles_completion_range CHECK (profile_completion_percentage BETWEEN 0 AND 100),
    CONSTRAINT profiles_rating_range CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    CONSTRAINT profiles_review_count_nonnegative CHECK (review_count >= 0)
);
CREATE INDEX idx_profiles_user_id ON profiles(user_id);
CREATE INDEX idx_profiles_handle ON profiles(handle);
CREATE UNIQUE INDEX idx_profiles_handle_lower ON profiles(lower(handle));
CREATE INDEX idx_profiles_city ON profiles(city);
CREATE INDEX idx_profiles_style_tags ON profiles USING GIN(style_tags);
CREATE INDEX idx_profiles_looking_for_types ON profiles USING GIN(looking_for_types);
CREATE INDEX idx_profiles_completion ON profiles(profile_completion_percentage);
CREATE TRIGGER profiles_set_updated_at BEFORE UPDATE ON profiles FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ===================================================================== gigs
-- Errata 3: gigs.moodboard_id and moodboards.gig_id are circular; the gigs → moodboards key is
-- added after both tables exist.
CREATE TABLE gigs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    comp_type TEXT NOT NULL CHECK (comp_type IN ('tfp', 'paid', 'expenses')),
    comp_amount DECIMAL(10,2),
    comp_currency TEXT DEFAULT 'EUR',
    location_text TEXT NOT NULL,
    location_lat DECIMAL(10, 8),
    location_lng DECIMAL(11, 8),
    location_radius INTEGER NOT NULL DEFAULT 10,
    start_time TIMESTAMPTZ,
    end_time TIMESTAMPTZ,
    application_deadline TIMESTAMPTZ,
    max_applicants INTEGER NOT NULL DEFAULT 20,
    usage_rights TEXT,
    safety_notes TEXT,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'closed', 'completed', 'cancelled')),
    boost_level INTEGER NOT NULL DEFAULT 0,
    moodboard_id UUID,
    looking_for_types TEXT[] NOT NULL DEFAULT '{}',
    applicant_preferences JSONB NOT NULL DEFAULT '{}',
    -- Added: errata 1 (a point on the earth, in metres, maintained by a trigger), full-text
    -- search, lifecycle timestamps.
    location_geo extensions.earth,
    search_vector TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(location_text, '')), 'B')
        || setweight(to_tsvector('english', coalesce(description, '')), 'C')
    ) STORED,
    published_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    cancelled_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT gigs_title_length CHECK (char_length(title) BETWEEN 5 AND 120),
    CONSTRAINT gigs_description_length CHECK (char_length(description) BETWEEN 20 AND 5000),
    CONSTRAINT gigs_location_text_present CHECK (char_length(btrim(location_text)) > 0),
    CONSTRAINT gigs_paid_needs_amount CHECK (comp_type <> 'paid' OR (comp_amount IS NOT NULL AND comp_amount > 0)),
    CONSTRAINT gigs_comp_amount_nonnegative CHECK (comp_amount IS NULL OR comp_amount >= 0),
    CONSTRAINT gigs_currency_supported CHECK (comp_currency IS NULL OR comp_currency IN ('EUR', 'USD', 'GBP', 'CAD', 'AUD')),
    CONSTRAINT gigs_lat_range CHECK (location_lat IS NULL OR location_lat BETWEEN -90 AND 90),
    CONSTRAINT gigs_lng_range CHECK (location_lng IS NULL OR location_lng BETWEEN -180 AND 180),
    CONSTRAINT gigs_lat_lng_together CHECK ((location_lat IS NULL) = (location_lng IS NULL)),
    CONSTRAINT gigs_radius_range CHECK (location_radius BETWEEN 1 AND 100),
    CONSTRAINT gigs_end_after_start CHECK (end_time IS NULL OR start_time IS NULL OR end_time > start_time),
    CONSTRAINT gigs_deadline_before_start CHECK (application_deadline IS NULL OR start_time IS NULL OR application_deadline <= start_time),
    CONSTRAINT gigs_max_applicants_range CHECK (max_applicants BETWEEN 1 AND 200),
    CONSTRAINT gigs_boost_level_range CHECK (boost_level BETWEEN 0 AND 3),
    CONSTRAINT gigs_looking_for_types_count CHECK (cardinality(looking_for_types) <= 10 AND (status = 'draft' OR cardinality(looking_for_types) >= 1)),
    CONSTRAINT gigs_published_has_schedule CHECK (status = 'draft' OR (start_time IS NOT NULL AND end_time IS NOT NULL))
);
CREATE INDEX idx_gigs_owner_user_id ON gigs(owner_user_id);
CREATE INDEX idx_gigs_status ON gigs(status);
-- Errata 1: a GiST index on the earth point replaces ST_Point (degrees, PostGIS-only).
CREATE INDEX idx_gigs_location ON gigs USING GIST(location_geo);
CREATE INDEX idx_gigs_comp_type ON gigs(comp_type);
CREATE INDEX idx_gigs_start_time ON gigs(start_time);
CREATE INDEX idx_gigs_application_deadline ON gigs(application_deadline);
CREATE INDEX idx_gigs_boost_level ON gigs(boost_level);
CREATE INDEX idx_gigs_looking_for_types ON gigs USING GIN(looking_for_types);
CREATE INDEX idx_gigs_discovery ON gigs(status, start_time, location_lat, location_lng) WHERE status = 'published';
CREATE INDEX idx_published_gigs ON gigs(owner_user_id, created_at) WHERE status = 'published';
CREATE INDEX idx_gigs_published_location ON gigs USING GIST(location_geo) WHERE status = 'published';
CREATE INDEX idx_gigs_published_order ON gigs(boost_level DESC, created_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX idx_gigs_search_vector ON gigs USING GIN(search_vector);
CREATE INDEX idx_gigs_moodboard_id ON gigs(moodboard_id);
CREATE TRIGGER gigs_set_updated_at BEFORE UPDATE ON gigs FOR EACH ROW EXECUTE FUNCTION set_updated_at();

\apply current/functions/public.gigs_set_location_geo.sql sha256=0caa72170e8f3198
CREATE TRIGGER gigs_location_geo BEFORE INSERT OR UPDATE OF location_lat, location_lng, location_geo ON gigs
    FOR EACH ROW EXECUTE FUNCTION gigs_set_location_geo();

-- ===================================================================== applications
CREATE TABLE applications (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    gig_id UUID NOT NULL REFERENCES gigs(id) ON DELETE CASCADE,
    applicant_user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    note TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'shortlisted', 'accepted', 'declined', 'withdrawn')),
    applied_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    reviewed_at TIMESTAMPTZ,
    reviewed_by UUID REFERENCES users(id),
    profile_snapshot JSONB,
    compatibility_score DECIMAL(3,2),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE(gig_id, applicant_user_id),
    CONSTRAINT applications_note_length CHECK (note IS NULL OR char_length(note) <= 500),
    CONSTRAINT applications_score_range CHECK (compatibility_score IS NULL OR compatibility_score BETWEEN 0 AND 1)
);
CREATE INDEX idx_applications_gig_id ON applications(gig_id);
CREATE INDEX idx_applications_applicant_user_id ON applications(applicant_user_id);
CREATE INDEX idx_applications_status ON applications(status);
CREATE INDEX idx_applications_applied_at ON applications(applied_at);
CREATE INDEX idx_applications_compatibility_score ON applications(compatibility_score);
CREATE INDEX idx_applications_management ON applications(gig_id, status, applied_at) WHERE status IN ('pending', 'shortlisted');
CREATE INDEX idx_applications_applicant_applied ON applications(applicant_user_id, applied_at DESC);
CREATE INDEX idx_applications_reviewed_by ON applications(reviewed_by);
CREATE TRIGGER applications_set_updated_at BEFORE UPDATE ON applications FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ===================================================================== showcases and media
CREATE TABLE showcases (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    gig_id UUID NOT NULL REFERENCES gigs(id) ON DELETE CASCADE,
    creator_user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    talent_user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    media_ids UUID[] NOT NULL,
    caption TEXT,
    tags TEXT[] NOT NULL DEFAULT '{}',
    palette TEXT[] NOT NULL DEFAULT '{}',
    approved_by_creator_at TIMESTAMPTZ,
    approved_by_talent_at TIMESTAMPTZ,
    visibility TEXT NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
    likes_count INTEGER NOT NULL DEFAULT 0,
    views_count INTEGER NOT NULL DEFAULT 0,
    published_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT showcases_pair_distinct CHECK (creator_user_id <> talent_user_id),
    CONSTRAINT showcases_media_count CHECK (cardinality(media_ids) BETWEEN 3 AND 6),
    CONSTRAINT showcases_caption_length CHECK (caption IS NULL OR char_length(caption) <= 500),
    CONSTRAINT showcases_tags_count CHECK (cardinality(tags) <= 10),
    CONSTRAINT showcases_public_needs_both_approvals CHECK (visibility = 'private' OR (approved_by_creator_at IS NOT NULL AND approved_by_talent_at IS NOT NULL)),
    CONSTRAINT showcases_counts_nonnegative CHECK (likes_count >= 0 AND views_count >= 0),
    CONSTRAINT showcases_one_per_pair UNIQUE (gig_id, creator_user_id, talent_user_id)
);
CREATE INDEX idx_showcases_gig_id ON showcases(gig_id);
CREATE INDEX idx_showcases_creator_user_id ON showcases(creator_user_id);
CREATE INDEX idx_showcases_talent_user_id ON showcases(talent_user_id);
CREATE INDEX idx_showcases_visibility ON showcases(visibility);
CREATE INDEX idx_showcases_tags ON showcases USING GIN(tags);
CREATE INDEX idx_showcases_created_at ON showcases(created_at);
CREATE TRIGGER showcases_set_updated_at BEFORE UPDATE ON showcases FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE media (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    gig_id UUID REFERENCES gigs(id) ON DELETE SET NULL,
    showcase_id UUID REFERENCES showcases(id) ON DELETE SET NULL,
    type TEXT NOT NULL CHECK (type IN ('image', 'video', 'document')),
    bucket TEXT NOT NULL,
    path TEXT NOT NULL,
    original_filename TEXT,
    mime_type TEXT,
    file_size BIGINT,
    width INTEGER,
    height INTEGER,
    duration INTEGER, -- for videos
    palette TEXT[] NOT NULL DEFAULT '{}',
    blurhash TEXT,
    exif_data JSONB,
    generation_metadata JSONB,
    visibility TEXT NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT media_bucket_path_unique UNIQUE (bucket, path),
    CONSTRAINT media_file_size_limit CHECK (file_size IS NULL OR file_size BETWEEN 0 AND 524288000),
    CONSTRAINT media_dimensions_positive CHECK ((width IS NULL OR width > 0) AND (height IS NULL OR height > 0)),
    CONSTRAINT media_image_mime CHECK (type <> 'image' OR mime_type IN ('image/jpeg', 'image/png', 'image/webp')),
    CONSTRAINT media_video_mime CHECK (type <> 'video' OR mime_type IN ('video/mp4', 'video/quicktime')),
    CONSTRAINT media_document_mime CHECK (type <> 'document' OR mime_type = 'application/pdf')
);
CREATE INDEX idx_media_owner_user_id ON media(owner_user_id);
CREATE INDEX idx_media_gig_id ON media(gig_id);
CREATE INDEX idx_media_showcase_id ON media(showcase_id);
CREATE INDEX idx_media_type ON media(type);
CREATE INDEX idx_media_visibility ON media(visibility);
CREATE INDEX idx_media_created_at ON media(created_at);

-- ===================================================================== messaging
CREATE TABLE conversations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    gig_id UUID NOT NULL REFERENCES gigs(id) ON DELETE CASCADE,
    participants UUID[] NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked', 'archived')),
    last_message_at TIMESTAMPTZ,
    last_message_id UUID,
    -- Added: who blocked (only they unblock) and per-participant archiving (PRODUCT_RULES §5).
    blocked_by UUID REFERENCES users(id) ON DELETE SET NULL,
    archived_by UUID[] NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT conversations_two_participants CHECK (cardinality(participants) = 2 AND participants[1] <> participants[2]),
    CONSTRAINT conversations_blocked_has_blocker CHECK ((status = 'blocked') = (blocked_by IS NOT NULL)),
    CONSTRAINT conversations_archivers_are_participants CHECK (archived_by <@ participants)
);
CREATE INDEX idx_conversations_gig_id ON conversations(gig_id);
CREATE INDEX idx_conversations_participants ON conversations USING GIN(participants);
CREATE INDEX idx_conversations_status ON conversations(status);
CREATE INDEX idx_conversations_last_message_at ON conversations(last_message_at);
CREATE UNIQUE INDEX idx_conversations_gig_pair ON conversations(gig_id, LEAST(participants[1], participants[2]), GREATEST(participants[1], participants[2]));
CREATE TRIGGER conversations_set_updated_at BEFORE UPDATE ON conversations FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE messages (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    from_user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    to_user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    attachments JSONB NOT NULL DEFAULT '[]',
    sent_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    read_at TIMESTAMPTZ,
    edited_at TIMESTAMPTZ,
    deleted_at TIMESTAMPTZ,
    CONSTRAINT messages_body_length CHECK (char_length(btrim(body)) BETWEEN 1 AND 2000),
    CONSTRAINT messages_not_to_self CHECK (from_user_id <> to_user_id)
);
CREATE INDEX idx_messages_conversation_id ON messages(conversation_id);
CREATE INDEX idx_messages_from_user_id ON messages(from_user_id);
CREATE INDEX idx_messages_to_user_id ON messages(to_user_id);
CREATE INDEX idx_messages_sent_at ON messages(sent_at);
CREATE INDEX idx_messages_read_at ON messages(read_at);
CREATE INDEX idx_unread_messages ON messages(to_user_id, sent_at) WHERE read_at IS NULL;
CREATE INDEX idx_messages_conversation_sent ON messages(conversation_id, sent_at DESC);

ALTER TABLE conversations ADD CONSTRAINT conversations_last_message_id_fkey
    FOREIGN KEY (last_message_id) REFERENCES messages(id) ON DELETE SET NULL;

-- ===================================================================== reviews
CREATE TABLE reviews (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    gig_id UUID NOT NULL REFERENCES gigs(id) ON DELETE CASCADE,
    reviewer_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reviewee_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    rating INTEGER NOT NULL CHECK (rating >= 1 AND rating <= 5),
    tags TEXT[] NOT NULL DEFAULT '{}',
    comment TEXT,
    is_public BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE(gig_id, reviewer_id, reviewee_id),
    CONSTRAINT reviews_not_self CHECK (reviewer_id <> reviewee_id),
    CONSTRAINT reviews_tags_allowed CHECK (cardinality(tags) <= 5 AND tags <@ ARRAY['professional', 'punctual', 'creative', 'communicative', 'prepared', 'friendly', 'reliable', 'talented', 'collaborative', 'experienced']::text[]),
    CONSTRAINT reviews_comment_length CHECK (comment IS NULL OR char_length(comment) <= 1000)
);
CREATE INDEX idx_reviews_gig_id ON reviews(gig_id);
CREATE INDEX idx_reviews_reviewer_id ON reviews(reviewer_id);
CREATE INDEX idx_reviews_reviewee_id ON reviews(reviewee_id);
CREATE INDEX idx_reviews_rating ON reviews(rating);
CREATE INDEX idx_reviews_created_at ON reviews(created_at);
CREATE TRIGGER reviews_set_updated_at BEFORE UPDATE ON reviews FOR EACH ROW EXECUTE FUNCTION set_updated_at();

\apply current/functions/public.refresh_profile_rating.sql sha256=167fca10ecb24571
REVOKE ALL ON FUNCTION public.refresh_profile_rating(UUID) FROM PUBLIC;

\apply current/functions/public.reviews_refresh_rating.sql sha256=6a7b08eb7596a707
CREATE TRIGGER reviews_refresh_rating AFTER INSERT OR UPDATE OF rating, is_public, reviewee_id OR DELETE ON reviews
    FOR EACH ROW EXECUTE FUNCTION reviews_refresh_rating();

-- ===================================================================== moodboards
CREATE TABLE moodboards (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    gig_id UUID REFERENCES gigs(id) ON DELETE CASCADE,
    owner_user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT,
    items JSONB NOT NULL DEFAULT '[]',
    palette TEXT[] NOT NULL DEFAULT '{}',
    is_public BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT moodboards_title_length CHECK (char_length(btrim(title)) BETWEEN 1 AND 120),
    CONSTRAINT moodboards_description_length CHECK (description IS NULL OR char_length(description) <= 2000),
    CONSTRAINT moodboards_items_array CHECK (jsonb_typeof(items) = 'array')
);
CREATE INDEX idx_moodboards_gig_id ON moodboards(gig_id);
-- PRODUCT_RULES §7: a gig has at most one moodboard.
CREATE UNIQUE INDEX idx_moodboards_one_per_gig ON moodboards(gig_id) WHERE gig_id IS NOT NULL;
CREATE INDEX idx_moodboards_owner_user_id ON moodboards(owner_user_id);
CREATE INDEX idx_moodboards_is_public ON moodboards(is_public);
CREATE INDEX idx_moodboards_created_at ON moodboards(created_at);
CREATE TRIGGER moodboards_set_updated_at BEFORE UPDATE ON moodboards FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE gigs ADD CONSTRAINT gigs_moodboard_id_fkey
    FOREIGN KEY (moodboard_id) REFERENCES moodboards(id) ON DELETE SET NULL;

-- ===================================================================== subscriptions
CREATE TABLE subscriptions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tier TEXT NOT NULL CHECK (tier IN ('free', 'plus', 'pro')),
    status TEXT NOT NULL CHECK (status IN ('active', 'canceled', 'past_due', 'unpaid')),
    stripe_subscription_id TEXT UNIQUE,
    stripe_customer_id TEXT,
    current_period_start TIMESTAMPTZ,
    current_period_end TIMESTAMPTZ,
    cancel_at_period_end BOOLEAN NOT NULL DEFAULT false,
    canceled_at TIMESTAMPTZ,
    trial_start TIMESTAMPTZ,
    trial_end TIMESTAMPTZ,
    -- Added: the Stripe event time last applied, so out-of-order webhooks never move it back.
    stripe_event_created_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE(user_id),
    CONSTRAINT subscriptions_period_order CHECK (current_period_end IS NULL OR current_period_start IS NULL OR current_period_end >= current_period_start)
);
CREATE INDEX idx_subscriptions_user_id ON subscriptions(user_id);
CREATE INDEX idx_subscriptions_tier ON subscriptions(tier);
CREATE INDEX idx_subscriptions_status ON subscriptions(status);
CREATE INDEX idx_subscriptions_stripe_subscription_id ON subscriptions(stripe_subscription_id);
CREATE INDEX idx_subscriptions_current_period_end ON subscriptions(current_period_end);
CREATE INDEX idx_active_subscriptions ON subscriptions(user_id, tier) WHERE status = 'active';
CREATE TRIGGER subscriptions_set_updated_at BEFORE UPDATE ON subscriptions FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ===================================================================== AI and credits
CREATE TABLE platform_credits (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    provider TEXT NOT NULL,
    current_balance DECIMAL(15,2) NOT NULL DEFAULT 0,
    low_balance_threshold DECIMAL(15,2) NOT NULL DEFAULT 100,
    credit_ratio DECIMAL(5,2) NOT NULL DEFAULT 1.0,
    last_sync_at TIMESTAMPTZ,
    -- Added: admins are notified once per crossing below the threshold (PRODUCT_RULES §8).
    low_balance_notified_at TIMESTAMPTZ,
    is_active BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE(provider),
    CONSTRAINT platform_credits_balance_nonnegative CHECK (current_balance >= 0),
    CONSTRAINT platform_credits_threshold_nonnegative CHECK (low_balance_threshold >= 0),
    CONSTRAINT platform_credits_ratio_positive CHECK (credit_ratio > 0)
);
CREATE INDEX idx_platform_credits_provider ON platform_credits(provider);
CREATE INDEX idx_platform_credits_current_balance ON platform_credits(current_balance);
CREATE TRIGGER platform_credits_set_updated_at BEFORE UPDATE ON platform_credits FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE user_credits (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    current_balance INTEGER NOT NULL DEFAULT 0,
    total_purchased INTEGER NOT NULL DEFAULT 0,
    total_used INTEGER NOT NULL DEFAULT 0,
    last_purchase_at TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    -- Added: the part of current_balance that is this period's allowance (spent first, does not
    -- roll over), and when that period started.
    allowance_balance INTEGER NOT NULL DEFAULT 0,
    allowance_period_start TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE(user_id),
    CONSTRAINT user_credits_balance_nonnegative CHECK (current_balance >= 0),
    CONSTRAINT user_credits_totals_nonnegative CHECK (total_purchased >= 0 AND total_used >= 0),
    CONSTRAINT user_credits_allowance_within_balance CHECK (allowance_balance BETWEEN 0 AND current_balance)
);
CREATE INDEX idx_user_credits_user_id ON user_credits(user_id);
CREATE INDEX idx_user_credits_current_balance ON user_credits(current_balance);
CREATE TRIGGER user_credits_set_updated_at BEFORE UPDATE ON user_credits FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE credit_transactions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    transaction_type TEXT NOT NULL CHECK (transaction_type IN ('purchase', 'usage', 'refund', 'bonus', 'allowance', 'expiry', 'adjustment')),
    amount INTEGER NOT NULL,
    balance_before INTEGER NOT NULL,
    balance_after INTEGER NOT NULL,
    operation_type TEXT,
    operation_id UUID,
    description TEXT,
    -- Added: replaying an operation with the same key changes nothing (PRODUCT_RULES §8).
    idempotency_key TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT credit_transactions_arithmetic CHECK (balance_after = balance_before + amount),
    CONSTRAINT credit_transactions_balance_nonnegative CHECK (balance_before >= 0 AND balance_after >= 0),
    CONSTRAINT credit_transactions_amount_nonzero CHECK (amount <> 0),
    CONSTRAINT credit_transactions_sign CHECK (
        (transaction_type IN ('purchase', 'refund', 'bonus', 'allowance') AND amount > 0)
        OR (transaction_type IN ('usage', 'expiry') AND amount < 0)
        OR transaction_type = 'adjustment'),
    CONSTRAINT credit_transactions_idempotency_unique UNIQUE (user_id, idempotency_key)
);
CREATE INDEX idx_credit_transactions_user_id ON credit_transactions(user_id);
CREATE INDEX idx_credit_transactions_transaction_type ON credit_transactions(transaction_type);
CREATE INDEX idx_credit_transactions_created_at ON credit_transactions(created_at);
CREATE INDEX idx_credit_transactions_operation_type ON credit_transactions(operation_type);
CREATE INDEX idx_credit_transactions_operation_id ON credit_transactions(operation_id);

CREATE TABLE credit_packages (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    credits INTEGER NOT NULL,
    price DECIMAL(10,2) NOT NULL,
    currency TEXT NOT NULL DEFAULT 'EUR',
    stripe_price_id TEXT UNIQUE,
    is_active BOOLEAN NOT NULL DEFAULT true,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT credit_packages_credits_positive CHECK (credits > 0),
    CONSTRAINT credit_packages_price_positive CHECK (price > 0),
    CONSTRAINT credit_packages_currency CHECK (currency IN ('EUR', 'USD', 'GBP', 'CAD', 'AUD'))
);
CREATE INDEX idx_credit_packages_active ON credit_packages(sort_order) WHERE is_active;
CREATE TRIGGER credit_packages_set_updated_at BEFORE UPDATE ON credit_packages FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Reference data (PRODUCT_RULES §8), present in every environment.
INSERT INTO credit_packages (slug, name, credits, price, currency, sort_order) VALUES
    ('starter', 'Starter', 10, 1.99, 'EUR', 1),
    ('basic', 'Basic', 25, 4.99, 'EUR', 2),
    ('popular', 'Popular', 50, 8.99, 'EUR', 3),
    ('pro', 'Pro', 100, 14.99, 'EUR', 4),
    ('enterprise', 'Enterprise', 250, 29.99, 'EUR', 5),
    ('creator', 'Creator', 500, 49.99, 'EUR', 6);

CREATE TABLE source_images (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    media_id UUID REFERENCES media(id) ON DELETE SET NULL,
    bucket TEXT NOT NULL,
    path TEXT NOT NULL,
    original_filename TEXT,
    mime_type TEXT NOT NULL CHECK (mime_type IN ('image/jpeg', 'image/png', 'image/webp')),
    file_size BIGINT NOT NULL CHECK (file_size > 0),
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    checksum_sha256 TEXT NOT NULL CHECK (checksum_sha256 ~ '^[0-9a-f]{64}$'),
    image_type TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT source_images_bucket_path_unique UNIQUE (bucket, path),
    CONSTRAINT source_images_user_checksum_unique UNIQUE (user_id, checksum_sha256)
);
CREATE INDEX idx_source_images_user_id ON source_images(user_id, created_at DESC);
CREATE INDEX idx_source_images_media_id ON source_images(media_id);

CREATE TABLE ai_enhancements (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    operation TEXT NOT NULL CHECK (operation IN ('enhance', 'upscale', 'restyle', 'background_blur')),
    provider TEXT NOT NULL REFERENCES platform_credits(provider) ON UPDATE CASCADE,
    source_media_id UUID REFERENCES media(id) ON DELETE SET NULL,
    source_image_id UUID REFERENCES source_images(id) ON DELETE SET NULL,
    result_media_id UUID REFERENCES media(id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out')),
    credits_cost INTEGER NOT NULL CHECK (credits_cost > 0),
    provider_credits_cost DECIMAL(15,2) NOT NULL CHECK (provider_credits_cost >= 0),
    parameters JSONB NOT NULL DEFAULT '{}',
    error_message TEXT,
    idempotency_key TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    started_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    refunded_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT ai_enhancements_has_source CHECK (source_media_id IS NOT NULL OR source_image_id IS NOT NULL OR status IN ('succeeded', 'failed', 'cancelled', 'timed_out')),
    CONSTRAINT ai_enhancements_idempotency_unique UNIQUE (user_id, idempotency_key)
);
CREATE INDEX idx_ai_enhancements_user_id ON ai_enhancements(user_id, created_at DESC);
CREATE INDEX idx_ai_enhancements_status ON ai_enhancements(status) WHERE status IN ('queued', 'running');
CREATE INDEX idx_ai_enhancements_source_media_id ON ai_enhancements(source_media_id);
CREATE INDEX idx_ai_enhancements_source_image_id ON ai_enhancements(source_image_id);
CREATE INDEX idx_ai_enhancements_result_media_id ON ai_enhancements(result_media_id);
CREATE INDEX idx_ai_enhancements_provider ON ai_enhancements(provider);
CREATE TRIGGER ai_enhancements_set_updated_at BEFORE UPDATE ON ai_enhancements FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ===================================================================== safety and moderation
CREATE TABLE reports (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    reporter_user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reported_user_id UUID REFERENCES users(id) ON DELETE SET NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('user', 'gig', 'message', 'showcase', 'review')),
    content_id UUID NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('spam', 'inappropriate', 'harassment', 'scam', 'copyright', 'underage', 'safety', 'other')),
    description TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'reviewed', 'resolved', 'dismissed')),
    reviewed_by UUID REFERENCES users(id),
    reviewed_at TIMESTAMPTZ,
    resolution TEXT,
    -- Added: queue priority set on arrival, and the action taken (PRODUCT_RULES §9).
    priority TEXT NOT NULL DEFAULT 'low' CHECK (priority IN ('low', 'medium', 'high', 'critical')),
    resolution_action TEXT CHECK (resolution_action IN ('warn', 'remove_content', 'suspend', 'ban', 'dismiss')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT reports_once_per_item UNIQUE (reporter_user_id, content_type, content_id),
    CONSTRAINT reports_description_length CHECK (description IS NULL OR char_length(description) <= 2000),
    CONSTRAINT reports_closed_has_resolution CHECK (status NOT IN ('resolved', 'dismissed') OR (resolution IS NOT NULL AND reviewed_by IS NOT NULL))
);
CREATE INDEX idx_reports_reporter_user_id ON reports(reporter_user_id);
CREATE INDEX idx_reports_reported_user_id ON reports(reported_user_id);
CREATE INDEX idx_reports_content_type ON reports(content_type);
CREATE INDEX idx_reports_status ON reports(status);
CREATE INDEX idx_reports_created_at ON reports(created_at);
CREATE INDEX idx_reports_content ON reports(content_type, content_id, created_at);
CREATE INDEX idx_reports_queue ON reports(priority, created_at) WHERE status IN ('pending', 'reviewed');
CREATE INDEX idx_reports_reviewed_by ON reports(reviewed_by);

CREATE TABLE user_content_preferences (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    allow_nsfw_content BOOLEAN NOT NULL DEFAULT false,
    show_nsfw_warnings BOOLEAN NOT NULL DEFAULT true,
    auto_hide_nsfw BOOLEAN NOT NULL DEFAULT true,
    content_filter_level TEXT NOT NULL DEFAULT 'moderate' CHECK (content_filter_level IN ('strict', 'moderate', 'lenient')),
    blocked_categories TEXT[] NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE(user_id)
);
CREATE INDEX idx_user_content_preferences_user_id ON user_content_preferences(user_id);
CREATE INDEX idx_user_content_preferences_allow_nsfw ON user_content_preferences(allow_nsfw_content);
CREATE TRIGGER user_content_preferences_set_updated_at BEFORE UPDATE ON user_content_preferences FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE content_moderation_log (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    moderator_user_id UUID REFERENCES users(id) ON DELETE SET NULL,
    target_user_id UUID REFERENCES users(id) ON DELETE SET NULL,
    report_id UUID REFERENCES reports(id) ON DELETE SET NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('user', 'gig', 'application', 'message', 'showcase', 'review', 'media', 'image_type', 'verification')),
    content_id UUID,
    action TEXT NOT NULL CHECK (action IN ('auto_flag', 'warn', 'remove_content', 'restore_content', 'suspend', 'ban', 'lift', 'dismiss', 'hide_review', 'verification_approved', 'verification_rejected')),
    reason TEXT,
    automated BOOLEAN NOT NULL DEFAULT false,
    scores JSONB,
    details JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT content_moderation_log_actor CHECK (automated OR moderator_user_id IS NOT NULL)
);
CREATE INDEX idx_content_moderation_log_content ON content_moderation_log(content_type, content_id);
CREATE INDEX idx_content_moderation_log_target ON content_moderation_log(target_user_id);
CREATE INDEX idx_content_moderation_log_moderator ON content_moderation_log(moderator_user_id);
CREATE INDEX idx_content_moderation_log_report ON content_moderation_log(report_id);
CREATE INDEX idx_content_moderation_log_created_at ON content_moderation_log(created_at);

CREATE TABLE user_image_type_library (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    type_name TEXT NOT NULL,
    description TEXT,
    usage_count INTEGER NOT NULL DEFAULT 0,
    is_flagged BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT user_image_type_library_name_length CHECK (char_length(btrim(type_name)) BETWEEN 1 AND 60),
    CONSTRAINT user_image_type_library_description_length CHECK (description IS NULL OR char_length(description) <= 500),
    CONSTRAINT user_image_type_library_usage_nonnegative CHECK (usage_count >= 0)
);
CREATE UNIQUE INDEX idx_user_image_type_library_unique ON user_image_type_library(user_id, lower(type_name));
CREATE INDEX idx_user_image_type_library_user_id ON user_image_type_library(user_id);
CREATE TRIGGER user_image_type_library_set_updated_at BEFORE UPDATE ON user_image_type_library FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE verification_requests (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    request_type TEXT NOT NULL CHECK (request_type IN ('identity', 'professional', 'business')),
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    document_media_ids UUID[] NOT NULL DEFAULT '{}',
    notes TEXT,
    reviewed_by UUID REFERENCES users(id) ON DELETE SET NULL,
    reviewed_at TIMESTAMPTZ,
    rejection_reason TEXT,
    documents_deleted_at TIMESTAMPTZ,
    submitted_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT verification_requests_documents_count CHECK (cardinality(document_media_ids) <= 10),
    CONSTRAINT verification_requests_rejection_reason CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL),
    CONSTRAINT verification_requests_decided CHECK (status = 'pending' OR (reviewed_by IS NOT NULL AND reviewed_at IS NOT NULL))
);
-- PRODUCT_RULES §9: one open request at a time.
CREATE UNIQUE INDEX idx_verification_requests_one_pending ON verification_requests(user_id) WHERE status = 'pending';
CREATE INDEX idx_verification_requests_user_id ON verification_requests(user_id);
CREATE INDEX idx_verification_requests_queue ON verification_requests(submitted_at) WHERE status = 'pending';
CREATE INDEX idx_verification_requests_reviewed_by ON verification_requests(reviewed_by);
CREATE TRIGGER verification_requests_set_updated_at BEFORE UPDATE ON verification_requests FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ===================================================================== system tables
CREATE TABLE domain_events (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    event_type TEXT NOT NULL CHECK (event_type ~ '^[a-z_]+(\.[a-z_]+)+$'),
    aggregate_type TEXT NOT NULL,
    aggregate_id UUID,
    actor_user_id UUID REFERENCES users(id) ON DELETE SET NULL,
    payload JSONB NOT NULL DEFAULT '{}',
    occurred_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    -- Outbox delivery state: workers claim with SKIP LOCKED, handlers are idempotent.
    available_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    processed_at TIMESTAMPTZ
);
CREATE INDEX idx_domain_events_pending ON domain_events(available_at) WHERE processed_at IS NULL;
CREATE INDEX idx_domain_events_aggregate ON domain_events(aggregate_type, aggregate_id, occurred_at);
CREATE INDEX idx_domain_events_type ON domain_events(event_type, occurred_at);
CREATE INDEX idx_domain_events_actor ON domain_events(actor_user_id);

CREATE TABLE notifications (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT,
    data JSONB NOT NULL DEFAULT '{}',
    source_event_id UUID REFERENCES domain_events(id) ON DELETE SET NULL,
    read_at TIMESTAMPTZ,
    emailed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT notifications_once_per_event UNIQUE (user_id, source_event_id, type)
);
CREATE INDEX idx_notifications_user_created ON notifications(user_id, created_at DESC);
CREATE INDEX idx_notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
CREATE INDEX idx_notifications_source_event ON notifications(source_event_id);

CREATE TABLE audit_logs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_name TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
    row_id TEXT,
    actor_user_id UUID,
    actor_role TEXT NOT NULL,
    changes JSONB NOT NULL DEFAULT '{}',
    transaction_id BIGINT NOT NULL DEFAULT txid_current(),
    occurred_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_audit_logs_table_row ON audit_logs(table_name, row_id, occurred_at);
CREATE INDEX idx_audit_logs_actor ON audit_logs(actor_user_id, occurred_at);
CREATE INDEX idx_audit_logs_occurred_at ON audit_logs(occurred_at);
