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

-- Discovery reads only these indexes for its candidate rows (index-only scans; the caller then
-- fetches the page's rows): walking the display order in a dense area, and the GiST search in a
-- sparse one. Every column a discovery condition reads is included, so neither touches the heap.
CREATE INDEX idx_gigs_discovery_order ON gigs (boost_level DESC, created_at DESC, id DESC)
    INCLUDE (location_geo, start_time, application_deadline, is_nsfw, content_categories,
             comp_type, looking_for_types)
    WHERE status = 'published';
CREATE INDEX idx_gigs_discovery_nearby ON gigs USING GIST (location_geo)
    INCLUDE (boost_level, created_at, id, start_time, application_deadline, is_nsfw,
             content_categories, comp_type, looking_for_types)
    WHERE status = 'published';

-- Map pins: a bounding box in degrees (GET /api/gigs/map). A 2-D point in (lng, lat) keeps the box
-- test exact in degrees, which the earth cube (a 3-D chord space) cannot express directly.
CREATE INDEX idx_gigs_published_lnglat ON gigs
    USING GIST (point(location_lng::float8, location_lat::float8))
    WHERE status = 'published' AND location_lat IS NOT NULL;

-- ===================================================================== discovery page
-- One page of discovery (PRODUCT_RULES §3): the ids of the matching published gigs in display
-- order (boost_level desc, created_at desc, id desc), after an optional keyset position, with
-- the great-circle distance in metres when a centre is given.
--
-- Why a SECURITY DEFINER function: under row level security PostgreSQL only lets *leakproof*
-- operators become index conditions (the policy quals must run first), and the cube containment
-- `@>`, full-text `@@` and array `&&` operators are not leakproof. Run as the caller, the radius
-- search would read every published gig. The function sees exactly what the "Anyone can view
-- published gigs" policy already shows everyone (status = 'published'), and returns ids only; the
-- caller then reads the rows through RLS, which stays the last line of defence.
--
-- Why two plans: "within R of a point, ordered by boost then newest" has no single good plan.
-- Few candidates in the circle (a sparse region, a small radius): find them with the GiST index,
-- then sort the handful. Many candidates (25 km in a big city holds tens of thousands of gigs):
-- walk idx_gigs_published_order and test the distance on each row; a page fills after a few
-- dozen rows. A capped, index-only count of the candidates in the bounding cube picks the plan.
-- The planner cannot make this choice itself: it estimates every cube containment at a fixed
-- 0.1% of the table, whatever the radius.
-- (0008 rewrote it: migrations/current/functions/public.discover_gig_page.sql is the function now.)
CREATE FUNCTION public.discover_gig_page(
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
-- Generic plans for the static statements below: the default keeps re-planning them, because a
-- custom plan folds the absent filters away and so always looks cheaper. The dynamic statement is
-- a one-shot plan, always custom, whatever this says.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    has_center boolean := center_lat IS NOT NULL AND center_lng IS NOT NULL;
    candidates integer := 0;
    conditions text := 'g.status = ''published'' AND g.start_time > now()'
        ' AND (g.application_deadline IS NULL OR g.application_deadline > now())';
    distance_expr text := 'NULL::float8';
    statement text;
    -- Computed once a call for the static search: in a generic plan an expression of the
    -- parameters is not folded to a constant and would run again for every candidate row.
    centre extensions.earth;
    search_box extensions.cube;
    chord_high float8;
    chord_low float8;
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
        distance_expr := 'earth_distance(ll_to_earth($1, $2), g.location_geo)';
    END IF;

    IF radius_m IS NOT NULL THEN
        -- earth_box is a cube around the sphere's cap: it only narrows the index search. The
        -- straight-line (chord) distance orders points exactly as the great-circle one does and
        -- is cheap, so it decides every row clearly inside or outside; earth_distance (an SQL
        -- function PostgreSQL cannot inline, several microseconds a call) only settles the rows
        -- within a micrometre of the edge, where float rounding could differ. Inclusive boundary.
        conditions := conditions
            || ' AND cube_distance(ll_to_earth($1, $2), g.location_geo) <= gc_to_sec($3) + 1e-6'
            || ' AND (cube_distance(ll_to_earth($1, $2), g.location_geo) <= gc_to_sec($3) - 1e-6'
            || ' OR ' || distance_expr || ' <= $3)';
        SELECT count(*) INTO candidates FROM (
            SELECT 1 FROM public.gigs g
             WHERE g.status = 'published'
               AND earth_box(ll_to_earth(center_lat, center_lng), radius_m) @> g.location_geo
             LIMIT dense_threshold
        ) AS probe;
    END IF;

    IF radius_m IS NOT NULL AND candidates < dense_threshold AND search_query IS NULL THEN
        -- The common sparse search as static SQL: PL/pgSQL keeps its plan for the session, where
        -- the dynamic statement below is planned again on every call (~0.5 ms with the gigs
        -- table's many indexes, more than running it). Each optional filter is written so that it
        -- holds when its parameter is absent, which keeps the plan valid for any arguments; the
        -- literal status = 'published' keeps the partial GiST index's predicate provable in a
        -- generic plan, and every column read is in idx_gigs_discovery_nearby (index-only; the
        -- full-text search is not, so it keeps the dynamic statement). The materialised CTE
        -- fences the GiST search off from the ORDER BY, so the planner cannot trade it for a
        -- walk of the order index. Same conditions and boundary handling as `conditions` above.
        centre := ll_to_earth(center_lat, center_lng);
        search_box := earth_box(centre, radius_m);
        chord_high := gc_to_sec(radius_m) + 1e-6;
        chord_low := gc_to_sec(radius_m) - 1e-6;
        RETURN QUERY
        WITH nearby AS MATERIALIZED (
            SELECT g.id, g.boost_level, g.created_at, g.location_geo
              FROM public.gigs g
             WHERE search_box @> g.location_geo
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
               AND cube_distance(centre, g.location_geo) <= chord_high
               AND (cube_distance(centre, g.location_geo) <= chord_low
                    OR earth_distance(centre, g.location_geo) <= radius_m)
        )
        SELECT g.id, earth_distance(centre, g.location_geo)
          FROM nearby g
         ORDER BY g.boost_level DESC, g.created_at DESC, g.id DESC
         LIMIT page_size;
        RETURN;
    ELSIF radius_m IS NOT NULL AND candidates < dense_threshold THEN
        -- The materialised CTE fences the GiST search off from the ORDER BY, so the planner
        -- cannot trade it for a walk of the order index.
        statement := 'WITH nearby AS MATERIALIZED ('
            || ' SELECT g.id, g.boost_level, g.created_at, g.location_geo'
            || ' FROM public.gigs g WHERE earth_box(ll_to_earth($1, $2), $3) @> g.location_geo AND '
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
REVOKE ALL ON FUNCTION public.discover_gig_page(float8, float8, float8, text, text[], timestamptz,
    timestamptz, text, boolean, text[], integer, timestamptz, uuid, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.discover_gig_page(float8, float8, float8, text, text[], timestamptz,
    timestamptz, text, boolean, text[], integer, timestamptz, uuid, integer, integer)
    TO anon, authenticated, service_role;

-- ===================================================================== map pins
\apply current/functions/public.gig_map_pin_ids.sql sha256=890733195ad0fa8d
REVOKE ALL ON FUNCTION public.gig_map_pin_ids(float8, float8, float8, float8, boolean, text[], integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.gig_map_pin_ids(float8, float8, float8, float8, boolean, text[], integer)
    TO anon, authenticated, service_role;
