-- Bench state only, never a migration: a PostGIS geography twin of discovery on the bench
-- database itself, so discover_gig_page() can be timed against the *same search* written with
-- PostGIS (docs/benchmarks.md, "Same search with PostGIS geography (like for like)").
-- Idempotent: run it again and nothing changes. Needs PostGIS 3 on the server.
--
-- The only differences from discover_gig_page() (migration 0008) are the spatial ones:
--   * gigs.geog geography(Point, 4326), generated from location_lat/location_lng (the same
--     numbers location_geo is computed from); a stored generated column, so adding it rewrites
--     the table and rebuilds its indexes instead of leaving a million dead row versions behind;
--   * idx_gigs_discovery_nearby_geog: a partial GiST index on geog with the same INCLUDE
--     columns as the original's band index, so the sparse search is index-only for both. This is
--     PostGIS's own way to answer ST_DWithin; the original reads its latitude bands instead;
--   * idx_gigs_discovery_order_geog: idx_gigs_discovery_order with geog in place of location_geo
--     in its INCLUDE list, so the dense walk stays index-only for the twin as it is for the
--     original (without it every row walked would be a heap fetch: a handicap, not the
--     representation);
--   * bench_discover_gig_page_postgis(): discover_gig_page() with ST_DWithin / ST_Distance in
--     place of the band search, the chord tests and the great-circle arithmetic, and the capped
--     count on the geography box (geog && _ST_Expand) in place of the band and cube boxes. The
--     plans are the same (a static sparse statement with a generic plan, no parallel workers,
--     dynamic SQL for full text) but one: the twin's dense walk stays dynamic, which is faster
--     for PostGIS (see the comment there). A circle across a pole or the antimeridian needs no
--     fallback with geography.
SET search_path = public, extensions;

CREATE EXTENSION IF NOT EXISTS postgis SCHEMA extensions;

ALTER TABLE public.gigs ADD COLUMN IF NOT EXISTS geog extensions.geography(Point, 4326)
    GENERATED ALWAYS AS (
        extensions.geography(extensions.st_setsrid(
            extensions.st_makepoint(location_lng::float8, location_lat::float8), 4326))
    ) STORED;

SET maintenance_work_mem = '512MB';
CREATE INDEX IF NOT EXISTS idx_gigs_discovery_nearby_geog ON public.gigs USING GIST (geog)
    INCLUDE (boost_level, created_at, id, start_time, application_deadline, is_nsfw,
             content_categories, comp_type, looking_for_types)
    WHERE status = 'published';
CREATE INDEX IF NOT EXISTS idx_gigs_discovery_order_geog
    ON public.gigs (boost_level DESC, created_at DESC, id DESC)
    INCLUDE (geog, start_time, application_deadline, is_nsfw, content_categories,
             comp_type, looking_for_types)
    WHERE status = 'published';

-- Distances on a sphere (use_spheroid => false), as earthdistance measures them: the question is
-- the representation and its index, not the earth model. (PostGIS's sphere has the mean radius,
-- 6,371,008.8 m; earthdistance's earth() is 6,378,168 m, so distances differ by ~0.11% and pages
-- can differ at the circle's edge. bench/bench_discovery_twin.py also creates a spheroid variant,
-- bench_discover_gig_page_postgis_spheroid(), from this text by swapping use_spheroid.)
CREATE OR REPLACE FUNCTION public.bench_discover_gig_page_postgis(
    center_lat float8,
    center_lng float8,
    radius_m float8,
    want_comp_type text,
    want_looking_for text[],
    want_starts_after timestamptz,
    want_starts_before timestamptz,
    search_query text,
    allow_nsfw boolean,
    blocked_categories text[],
    after_boost integer,
    after_created_at timestamptz,
    after_id uuid,
    page_size integer,
    dense_threshold integer DEFAULT 2000
) RETURNS TABLE (gig_id uuid, distance_m float8)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, extensions
SET plan_cache_mode = force_generic_plan
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
    has_center boolean := center_lat IS NOT NULL AND center_lng IS NOT NULL;
    candidates integer := 0;
    conditions text;
    distance_expr text := 'NULL::float8';
    statement text;
    -- Computed once a call, as the original computes its centre. PostGIS's constructors are C
    -- functions, so there is no SQL-function overhead to write out here.
    centre extensions.geography;
BEGIN
    IF page_size IS NULL OR page_size NOT BETWEEN 1 AND 101 THEN
        RAISE EXCEPTION 'page_size must be between 1 and 101' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF (center_lat IS NULL) <> (center_lng IS NULL) THEN
        RAISE EXCEPTION 'give both latitude and longitude' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF has_center AND (center_lat NOT BETWEEN -90 AND 90 OR center_lng NOT BETWEEN -180 AND 180) THEN
        RAISE EXCEPTION 'latitude or longitude out of range' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF radius_m IS NOT NULL AND (NOT has_center OR radius_m NOT BETWEEN 0 AND 100000) THEN
        RAISE EXCEPTION 'a radius needs a centre and is at most 100 km' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF (after_boost IS NULL) <> (after_created_at IS NULL) OR (after_boost IS NULL) <> (after_id IS NULL) THEN
        RAISE EXCEPTION 'a keyset position needs boost, created_at and id' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    IF has_center THEN
        centre := ST_SetSRID(ST_MakePoint(center_lng, center_lat), 4326)::geography;
    END IF;

    IF radius_m IS NOT NULL THEN
        -- The capped count that picks the plan: published gigs in the search box (the box
        -- ST_DWithin hands its GiST index, as the original counts its box), at most
        -- dense_threshold of them, on the narrow GiST index of the same column.
        SELECT count(*) INTO candidates FROM (
            SELECT 1 FROM public.gigs g
             WHERE g.status = 'published' AND g.geog && _ST_Expand(centre, radius_m)
             LIMIT dense_threshold
        ) AS probe;
    END IF;

    IF search_query IS NULL AND radius_m IS NOT NULL AND candidates < dense_threshold THEN
        -- Sparse: ST_DWithin through idx_gigs_discovery_nearby_geog (index-only), then sorted.
        RETURN QUERY
        WITH nearby AS MATERIALIZED (
            SELECT g.id, g.boost_level, g.created_at, g.geog
              FROM public.gigs g
             WHERE ST_DWithin(g.geog, centre, radius_m, use_spheroid => false)
               AND g.status = 'published' AND g.start_time > now()
               AND (g.application_deadline IS NULL OR g.application_deadline > now())
               AND (coalesce(allow_nsfw, false) OR NOT g.is_nsfw)
               AND (coalesce(cardinality(blocked_categories), 0) = 0
                    OR NOT (g.content_categories && blocked_categories))
               AND (want_comp_type IS NULL OR g.comp_type = want_comp_type)
               AND (coalesce(cardinality(want_looking_for), 0) = 0
                    OR g.looking_for_types && want_looking_for)
               AND (want_starts_after IS NULL OR g.start_time >= want_starts_after)
               AND (want_starts_before IS NULL OR g.start_time <= want_starts_before)
               AND (after_boost IS NULL
                    OR (g.boost_level, g.created_at, g.id) < (after_boost, after_created_at, after_id))
        )
        SELECT g.id, ST_Distance(g.geog, centre, use_spheroid => false)
          FROM nearby g
         ORDER BY g.boost_level DESC, g.created_at DESC, g.id DESC
         LIMIT page_size;
        RETURN;
    END IF;

    -- Dense, no radius, or full text: dynamic SQL, planned for this call. (The original's dense
    -- walk is static; the twin's is not, because PostGIS pays for it: with the centre a parameter
    -- of a generic plan, _ST_DWithin and ST_Distance took ~114 ms at London 25 km, against ~4 ms
    -- with the centre folded into a one-shot plan. The twin keeps PostGIS's better plan.)
    conditions := 'g.status = ''published'' AND g.start_time > now()'
        ' AND (g.application_deadline IS NULL OR g.application_deadline > now())';
    IF NOT coalesce(allow_nsfw, false) THEN
        conditions := conditions || ' AND NOT g.is_nsfw';
    END IF;
    IF cardinality(blocked_categories) > 0 THEN
        conditions := conditions || ' AND NOT (g.content_categories && $10)';
    END IF;
    IF want_comp_type IS NOT NULL THEN
        conditions := conditions || ' AND g.comp_type = $4';
    END IF;
    IF cardinality(want_looking_for) > 0 THEN
        conditions := conditions || ' AND g.looking_for_types && $5';
    END IF;
    IF want_starts_after IS NOT NULL THEN
        conditions := conditions || ' AND g.start_time >= $6';
    END IF;
    IF want_starts_before IS NOT NULL THEN
        conditions := conditions || ' AND g.start_time <= $7';
    END IF;
    IF search_query IS NOT NULL THEN
        conditions := conditions || ' AND g.search_vector @@ websearch_to_tsquery(''english'', $8)';
    END IF;
    IF after_boost IS NOT NULL THEN
        conditions := conditions || ' AND (g.boost_level, g.created_at, g.id) < ($11, $12, $13)';
    END IF;
    IF has_center THEN
        distance_expr := 'ST_Distance(g.geog, ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography,'
            || ' use_spheroid => false)';
    END IF;
    IF radius_m IS NOT NULL THEN
        conditions := conditions
            || ' AND _ST_DWithin(g.geog, ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography, $3,'
            || ' use_spheroid => false)';
    END IF;

    IF radius_m IS NOT NULL AND candidates < dense_threshold THEN
        statement := 'WITH nearby AS MATERIALIZED ('
            || ' SELECT g.id, g.boost_level, g.created_at, g.geog'
            || ' FROM public.gigs g WHERE ST_DWithin(g.geog,'
            || ' ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography, $3, use_spheroid => false) AND '
            || conditions || ')'
            || ' SELECT g.id, ' || distance_expr || ' FROM nearby g'
            || ' ORDER BY g.boost_level DESC, g.created_at DESC, g.id DESC LIMIT $14';
    ELSE
        statement := 'SELECT g.id, ' || distance_expr || ' FROM public.gigs g WHERE ' || conditions
            || ' ORDER BY g.boost_level DESC, g.created_at DESC, g.id DESC LIMIT $14';
    END IF;

    RETURN QUERY EXECUTE statement
        USING center_lat, center_lng, radius_m, want_comp_type, want_looking_for,
              want_starts_after, want_starts_before, search_query, allow_nsfw, blocked_categories,
              after_boost, after_created_at, after_id, page_size;
END
$$;
REVOKE ALL ON FUNCTION public.bench_discover_gig_page_postgis(float8, float8, float8, text, text[],
    timestamptz, timestamptz, text, boolean, text[], integer, timestamptz, uuid, integer, integer)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.bench_discover_gig_page_postgis(float8, float8, float8, text,
    text[], timestamptz, timestamptz, text, boolean, text[], integer, timestamptz, uuid, integer,
    integer) TO anon, authenticated, service_role;

-- The table rewrite above leaves the visibility map empty, so every index-only scan (the
-- original's as well as the twin's) would visit the heap until a VACUUM. VACUUM cannot run in a
-- transaction block: psql -f runs it as its own statement, bench_discovery_twin.py separately.
VACUUM (ANALYZE) public.gigs;
