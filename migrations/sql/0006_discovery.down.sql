SET LOCAL search_path = public, extensions;

DROP INDEX IF EXISTS idx_gigs_published_lnglat;
DROP INDEX IF EXISTS idx_gigs_content_categories;
ALTER TABLE gigs
    DROP CONSTRAINT IF EXISTS gigs_content_categories_format,
    DROP CONSTRAINT IF EXISTS gigs_content_categories_count,
    DROP COLUMN IF EXISTS content_categories,
    DROP COLUMN IF EXISTS is_nsfw;
