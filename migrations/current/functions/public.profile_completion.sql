-- Kept current on every insert and update, whoever writes the row; the weighting is documented
-- in docs/api.md and mirrored by preset.profiles.service.COMPLETION_WEIGHTS.
CREATE OR REPLACE FUNCTION public.profile_completion(p public.profiles) RETURNS INTEGER
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public
AS $$
    SELECT (CASE WHEN char_length(btrim(coalesce(p.display_name, ''))) > 0 THEN 10 ELSE 0 END)
         + (CASE WHEN char_length(coalesce(p.handle, '')) > 0 THEN 10 ELSE 0 END)
         + (CASE WHEN char_length(btrim(coalesce(p.avatar_url, ''))) > 0 THEN 15 ELSE 0 END)
         + (CASE WHEN char_length(btrim(coalesce(p.bio, ''))) > 0 THEN 15 ELSE 0 END)
         + (CASE WHEN char_length(btrim(coalesce(p.city, ''))) > 0 THEN 10 ELSE 0 END)
         + (CASE WHEN char_length(btrim(coalesce(p.country, ''))) > 0 THEN 5 ELSE 0 END)
         + (CASE WHEN cardinality(p.style_tags) > 0 THEN 10 ELSE 0 END)
         + (CASE WHEN cardinality(p.looking_for_types) > 0 THEN 10 ELSE 0 END)
         + (CASE WHEN p.experience_years > 0 THEN 5 ELSE 0 END)
         + (CASE WHEN cardinality(p.portfolio_urls) > 0 THEN 10 ELSE 0 END)
$$;
