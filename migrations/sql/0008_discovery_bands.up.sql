-- Discovery's sparse search on a B-tree of latitude bands (PRODUCT_RULES §3 "Discovery").
SET LOCAL search_path = public, extensions;

-- Why: in a sparse region the page is "every matching gig in the circle, sorted". 0006 found them
-- with the GiST index on the earth cube; a B-tree of 0.05° latitude bands, each ordered by
-- longitude, finds the same rows with a few short range scans (one per band the circle's bounding
-- box touches), reads fewer pages and costs less per page than the cube's GiST search, which
-- compares 3-D float8 boxes at every level and splits its nodes less tidily. docs/benchmarks.md
-- has the numbers, against the same search written with PostGIS geography.
--
-- The band is a stored generated column, so it can never disagree with location_lat (it is
-- computed from the same numeric, exactly: floor((lat + 90) * 20), 0..3600).
ALTER TABLE gigs
    ADD COLUMN location_band smallint
        GENERATED ALWAYS AS (floor((location_lat + 90) * 20)::smallint) STORED;

-- Covering, like the GiST index it replaces: every column a discovery condition reads is
-- included, so the search is index-only.
CREATE INDEX idx_gigs_discovery_band ON gigs (location_band, location_lng)
    INCLUDE (location_geo, boost_level, created_at, id, start_time, application_deadline, is_nsfw,
             content_categories, comp_type, looking_for_types)
    WHERE status = 'published';

-- The covering GiST index only served the static sparse search, which now reads the bands. The
-- searches the bands cannot express (a circle around a pole or across the antimeridian, and
-- full text within a radius) keep the GiST search through idx_gigs_published_location (0002).
DROP INDEX idx_gigs_discovery_nearby;

-- ===================================================================== discovery page
-- 0006's function with three changes. What is unchanged is explained there: why SECURITY DEFINER
-- returning ids only, why two plans, and why the dense/sparse choice is a capped count and not
-- the planner's.
--   1. The sparse search reads the latitude bands (above) instead of the GiST index.
--   2. The dense walk is static SQL too, like the sparse search: PL/pgSQL keeps its plan for the
--      session, where a dynamic statement is planned again on every call (~0.5 ms with the gigs
--      table's many indexes, often more than running it). Only what static SQL cannot serve
--      stays dynamic: full text (its condition is not in the covering indexes) and a circle the
--      bands cannot express (around a pole, across the antimeridian), which takes the GiST search.
--   3. The centre, the chord bounds and the distances are plain arithmetic instead of
--      earthdistance's ll_to_earth, gc_to_sec and earth_distance. Those are SQL functions, and
--      every call of one is a small query of its own: in PL/pgSQL it is parsed and planned again
--      in each transaction, and sec_to_gc (inside earth_distance) is never inlined, so a query
--      runs it once a row. Together about 0.3 ms a call, more than the sparse search itself. The
--      arithmetic is theirs, operation for operation, so the floats are the same to the bit
--      (tests/gigs/test_discovery_sql.py checks it):
--        ll_to_earth(lat, lng) = cube(cube(cube(R cos lat cos lng), R cos lat sin lng), R sin lat)
--        gc_to_sec(d)          = 2R sin(d / 2R)          (d <= 100 km: its other branches never apply)
--        earth_distance(a, b)  = 2R asin(c / 2R), or pi R when c / 2R > 1 (c = cube_distance(a, b))
--      with R = earth() = 6378168 m, earthdistance's radius; a test fails if earth() changes.
\apply current/functions/public.discover_gig_page.sql sha256=2f415aea9bd942c2
