-- The gigs discovery would show inside a latitude/longitude box, best first, at most max_pins.
-- A box whose west edge is east of its east edge crosses the antimeridian and is searched as two
-- boxes. SECURITY DEFINER for the same reason as discover_gig_page (the box operator is not
-- leakproof); ids only, the caller reads the rows through RLS.
CREATE OR REPLACE FUNCTION public.gig_map_pin_ids(
    min_lat float8,
    min_lng float8,
    max_lat float8,
    max_lng float8,
    allow_nsfw boolean,
    blocked_categories text[],
    max_pins integer
) RETURNS TABLE (gig_id uuid)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, extensions
AS $$
DECLARE
    west box;
    east box;
BEGIN
    IF min_lat IS NULL OR min_lng IS NULL OR max_lat IS NULL OR max_lng IS NULL
       OR min_lat NOT BETWEEN -90 AND 90 OR max_lat NOT BETWEEN -90 AND 90
       OR min_lng NOT BETWEEN -180 AND 180 OR max_lng NOT BETWEEN -180 AND 180
       OR min_lat > max_lat THEN
        RAISE EXCEPTION 'invalid bounding box' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF max_pins IS NULL OR max_pins NOT BETWEEN 1 AND 500 THEN
        RAISE EXCEPTION 'max_pins must be between 1 and 500' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF min_lng <= max_lng THEN
        west := box(point(min_lng, min_lat), point(max_lng, max_lat));
        east := west;
    ELSE
        west := box(point(min_lng, min_lat), point(180, max_lat));
        east := box(point(-180, min_lat), point(max_lng, max_lat));
    END IF;
    RETURN QUERY
    SELECT g.id FROM public.gigs g
     WHERE g.status = 'published' AND g.location_lat IS NOT NULL
       AND g.start_time > now()
       AND (g.application_deadline IS NULL OR g.application_deadline > now())
       AND (coalesce(allow_nsfw, false) OR NOT g.is_nsfw)
       AND NOT (g.content_categories && coalesce(blocked_categories, '{}'))
       AND (point(g.location_lng::float8, g.location_lat::float8) <@ west
            OR point(g.location_lng::float8, g.location_lat::float8) <@ east)
     ORDER BY g.boost_level DESC, g.created_at DESC, g.id DESC
     LIMIT max_pins;
END
$$;
