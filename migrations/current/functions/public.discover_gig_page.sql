-- One page of discovery (PRODUCT_RULES §3 "Discovery"): the ids of the matching published gigs in
-- display order (boost_level desc, created_at desc, id desc), after an optional keyset position,
-- with the great-circle distance in metres when a centre is given. Created by 0006 and rewritten
-- by 0008; each migration's comments say what it changed and why.
--
-- Why a SECURITY DEFINER function: under row level security PostgreSQL only lets *leakproof*
-- operators become index conditions (the policy quals must run first), and the cube containment
-- `@>`, full-text `@@` and array `&&` operators are not leakproof. Run as the caller, the radius
-- search would read every published gig. The function sees exactly what the "Anyone can view
-- published gigs" policy already shows everyone (status = 'published'), and returns ids only; the
-- caller then reads the rows through RLS, which stays the last line of defence.
--
-- Why two plans: "within R of a point, ordered by boost then newest" has no single good plan.
-- Few candidates in the circle (a sparse region, a small radius): find them all with a few short
-- scans of the latitude bands (idx_gigs_discovery_band), then sort the handful. Many candidates
-- (25 km in a big city holds tens of thousands of gigs): walk idx_gigs_discovery_order in display
-- order and test the distance on each row; a page fills after a few dozen rows. A capped,
-- index-only count of the candidates in the bounding box picks the plan; the planner cannot make
-- this choice itself (it estimates every box containment at a fixed fraction of the table,
-- whatever the radius). Full text, and a circle the bands cannot express (around a pole, across
-- the antimeridian), take dynamic SQL and the GiST index.
--
-- The centre, the chord bounds and the distances are earthdistance's own arithmetic written out
-- (its SQL functions cost a query of their own per call), so the floats are the same to the bit
-- (tests/gigs/test_discovery_sql.py checks it):
--   ll_to_earth(lat, lng) = cube(cube(cube(R cos lat cos lng), R cos lat sin lng), R sin lat)
--   gc_to_sec(d)          = 2R sin(d / 2R)          (d <= 100 km: its other branches never apply)
--   earth_distance(a, b)  = 2R asin(c / 2R), or pi R when c / 2R > 1 (c = cube_distance(a, b))
-- with R = earth() = 6378168 m, earthdistance's radius; a test fails if earth() changes.
CREATE OR REPLACE FUNCTION public.discover_gig_page(
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
-- A page is at most 101 rows: starting parallel workers costs far more than it could save. A
-- generic plan of the dense walk cannot know how soon the page fills and would otherwise start them.
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
    has_center boolean := center_lat IS NOT NULL AND center_lng IS NOT NULL;
    candidates integer := 0;
    conditions text;
    distance_expr text := 'NULL::float8';
    statement text;
    r constant float8 := 6378168;
    two_r constant float8 := 2 * 6378168;
    -- Computed once a call: in a generic plan an expression of the parameters is not folded to a
    -- constant and would run again for every candidate row. NULL when there is no centre/radius.
    centre extensions.cube;
    chord_high float8;
    chord_low float8;
    -- The circle's bounding box in bands and longitudes, when it has one that neither reaches a
    -- pole nor crosses the antimeridian.
    banded boolean := false;
    angle float8;
    half_lat float8;
    half_lng float8;
    bands smallint[];
    lng_low numeric;
    lng_high numeric;
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
        centre := cube(cube(cube(r * cos(radians(center_lat)) * cos(radians(center_lng))),
                            r * cos(radians(center_lat)) * sin(radians(center_lng))),
                       r * sin(radians(center_lat)));
    END IF;

    IF radius_m IS NOT NULL THEN
        -- The bands, earth_box and the GiST search only narrow the search. The straight-line
        -- (chord) distance orders points exactly as the great-circle one does and is cheap, so it
        -- decides every row clearly inside or outside; the great-circle distance only settles
        -- the rows within a micrometre of the edge, where float rounding could differ.
        -- Inclusive boundary.
        chord_high := 2 * r * sin(radius_m / (2 * r)) + 1e-6;
        chord_low := 2 * r * sin(radius_m / (2 * r)) - 1e-6;

        -- The circle's bounding box on the sphere: latitudes within the angular radius of the
        -- centre's, longitudes within asin(sin(angle) / cos(lat)) of its (the widest a spherical
        -- cap reaches east and west), each widened by 1e-6° (~0.1 m) against rounding. A superset
        -- of the circle; the exact test keeps what is inside.
        angle := radius_m / r;
        half_lat := degrees(angle) + 1e-6;
        IF center_lat - half_lat > -90 AND center_lat + half_lat < 90
           AND sin(angle) < cos(radians(center_lat)) THEN
            half_lng := degrees(asin(sin(angle) / cos(radians(center_lat)))) + 1e-6;
            IF center_lng - half_lng >= -180 AND center_lng + half_lng <= 180 THEN
                banded := true;
                bands := ARRAY(SELECT generate_series(
                    floor((center_lat - half_lat + 90) * 20)::integer,
                    floor((center_lat + half_lat + 90) * 20)::integer))::smallint[];
                lng_low := (center_lng - half_lng)::numeric;
                lng_high := (center_lng + half_lng)::numeric;
            END IF;
        END IF;

        -- The capped count that picks the plan: published gigs in the box, at most
        -- dense_threshold of them. In two steps, each on the index that is cheapest for it:
        -- a few short band scans settle a sparse circle (up to 200 gigs, the common case) at
        -- the lowest fixed cost; past that, counting on to dense_threshold reads the narrow GiST
        -- index, since every entry of the covering band index carries all its included columns.
        IF banded THEN
            SELECT count(*) INTO candidates FROM (
                SELECT 1 FROM public.gigs g
                 WHERE g.status = 'published'
                   AND g.location_band = ANY (bands)
                   AND g.location_lng BETWEEN lng_low AND lng_high
                 LIMIT least(dense_threshold, 200)
            ) AS probe;
        END IF;
        IF NOT banded OR candidates >= least(dense_threshold, 200) THEN
            SELECT count(*) INTO candidates FROM (
                SELECT 1 FROM public.gigs g
                 WHERE g.status = 'published'
                   AND earth_box(ll_to_earth(center_lat, center_lng), radius_m) @> g.location_geo
                 LIMIT dense_threshold
            ) AS probe;
        END IF;
    END IF;

    IF search_query IS NULL AND radius_m IS NOT NULL AND candidates < dense_threshold AND banded THEN
        -- Sparse: every candidate in the bands, then sorted. Each optional filter is written so
        -- that it holds when its parameter is absent, which keeps the generic plan valid for any
        -- arguments; the literal status = 'published' keeps the partial index's predicate provable
        -- in a generic plan, and every column read is in idx_gigs_discovery_band (index-only).
        -- The materialised CTE fences the search off from the ORDER BY, so the planner cannot
        -- trade it for a walk of the order index.
        RETURN QUERY
        WITH nearby AS MATERIALIZED (
            SELECT g.id, g.boost_level, g.created_at, g.location_geo
              FROM public.gigs g
             WHERE g.location_band = ANY (bands)
               AND g.location_lng BETWEEN lng_low AND lng_high
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
                    OR two_r * asin(cube_distance(centre, g.location_geo) / two_r) <= radius_m)
        )
        SELECT g.id, two_r * asin(cube_distance(centre, g.location_geo) / two_r)
          FROM nearby g
         ORDER BY g.boost_level DESC, g.created_at DESC, g.id DESC
         LIMIT page_size;
        RETURN;
    ELSIF search_query IS NULL AND (radius_m IS NULL OR candidates >= dense_threshold) THEN
        -- Dense, or no radius: walk idx_gigs_discovery_order in display order (index-only) and
        -- keep the rows that pass, until the page is full. Same filters as above. Without a
        -- centre, centre is NULL and so is every distance.
        RETURN QUERY
        SELECT g.id,
               CASE WHEN cube_distance(centre, g.location_geo) / two_r > 1 THEN pi() * r
                    ELSE two_r * asin(cube_distance(centre, g.location_geo) / two_r) END
          FROM public.gigs g
         WHERE g.status = 'published' AND g.start_time > now()
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
           AND (radius_m IS NULL
                OR (cube_distance(centre, g.location_geo) <= chord_high
                    AND (cube_distance(centre, g.location_geo) <= chord_low
                         OR two_r * asin(cube_distance(centre, g.location_geo) / two_r) <= radius_m)))
         ORDER BY g.boost_level DESC, g.created_at DESC, g.id DESC
         LIMIT page_size;
        RETURN;
    END IF;

    -- Dynamic SQL for the rest: full text, or a sparse circle the bands cannot express. Only the
    -- conditions in use are written, so the one-shot plan can use the full-text index.
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
        distance_expr := 'earth_distance(ll_to_earth($1, $2), g.location_geo)';
    END IF;
    IF radius_m IS NOT NULL THEN
        conditions := conditions
            || ' AND cube_distance(ll_to_earth($1, $2), g.location_geo) <= gc_to_sec($3) + 1e-6'
            || ' AND (cube_distance(ll_to_earth($1, $2), g.location_geo) <= gc_to_sec($3) - 1e-6'
            || ' OR ' || distance_expr || ' <= $3)';
    END IF;

    IF radius_m IS NOT NULL AND candidates < dense_threshold THEN
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
