-- Gig discovery (PRODUCT_RULES §3 "Discovery", §9 "Content preferences").
SET LOCAL search_path = public, extensions;

-- §9: a viewer's user_content_preferences (allow_nsfw_content, blocked_categories) filter what
-- discovery shows, so a gig must say whether it is NSFW and which categories it belongs to.
-- Defaults are the safe ones: not NSFW, no category.
ALTER TABLE gigs
    ADD COLUMN is_nsfw BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN content_categories TEXT[] NOT NULL DEFAULT '{}',
    ADD CONSTRAINT gigs_content_categories_count CHECK (cardinality(content_categories) <= 10),
    ADD CONSTRAINT gigs_content_categories_format CHECK (
        array_position(content_categories, NULL) IS NULL
        AND array_to_string(content_categories, ',') ~ '^([a-z0-9_]{1,40}(,|$))*$'
    );
CREATE INDEX idx_gigs_content_categories ON gigs USING GIN (content_categories);

-- Map pins: a bounding box in degrees (GET /api/gigs/map). A 2-D point in (lng, lat) keeps the box
-- test exact in degrees, which the earth cube (a 3-D chord space) cannot express directly.
CREATE INDEX idx_gigs_published_lnglat ON gigs
    USING GIST (point(location_lng::float8, location_lat::float8))
    WHERE status = 'published' AND location_lat IS NOT NULL;
