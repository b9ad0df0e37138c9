-- The earth point follows the latitude and longitude; a plain column (not an expression index)
-- so that dumps restore without needing the extension on the search path.
CREATE OR REPLACE FUNCTION public.gigs_set_location_geo() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, extensions
AS $$
BEGIN
    IF NEW.location_lat IS NULL OR NEW.location_lng IS NULL THEN
        NEW.location_geo := NULL;
    ELSE
        NEW.location_geo := ll_to_earth(NEW.location_lat::float8, NEW.location_lng::float8);
    END IF;
    RETURN NEW;
END
$$;
