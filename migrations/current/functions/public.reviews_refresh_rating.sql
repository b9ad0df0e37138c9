CREATE OR REPLACE FUNCTION public.reviews_refresh_rating() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM public.refresh_profile_rating(OLD.reviewee_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW.reviewee_id <> OLD.reviewee_id) THEN
        PERFORM public.refresh_profile_rating(NEW.reviewee_id);
    END IF;
    RETURN NULL;
END
$$;
