SET LOCAL search_path = public, extensions;

DROP FUNCTION IF EXISTS public.gig_map_pin_ids(float8, float8, float8, float8, boolean, text[], integer);
DROP FUNCTION IF EXISTS public.discover_gig_page(float8, float8, float8, text, text[], timestamptz,
    timestamptz, text, boolean, text[], integer, timestamptz, uuid, integer, integer);

DROP INDEX IF EXISTS idx_gigs_published_lnglat;
DROP INDEX IF EXISTS idx_gigs_discovery_nearby;
DROP INDEX IF EXISTS idx_gigs_discovery_order;
DROP INDEX IF EXISTS idx_gigs_content_categories;
ALTER TABLE gigs
    DROP CONSTRAINT IF EXISTS gigs_content_categories_format,
    DROP CONSTRAINT IF EXISTS gigs_content_categories_count,
    DROP COLUMN IF EXISTS content_categories,
    DROP COLUMN IF EXISTS is_nsfw;
