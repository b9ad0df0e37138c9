CREATE OR REPLACE FUNCTION public.profiles_set_completion() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    NEW.profile_completion_percentage := public.profile_completion(NEW);
    RETURN NEW;
END
$$;
