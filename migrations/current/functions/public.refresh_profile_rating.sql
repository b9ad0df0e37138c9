-- Profile rating and review count follow the public reviews (PRODUCT_RULES §6), so listings
-- never aggregate reviews on the fly.
CREATE OR REPLACE FUNCTION public.refresh_profile_rating(target UUID) RETURNS void
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    UPDATE public.profiles p
       SET rating = s.avg_rating, review_count = s.review_count
      FROM (SELECT round(avg(rating)::numeric, 2) AS avg_rating, count(*)::int AS review_count
              FROM public.reviews WHERE reviewee_id = target AND is_public) s
     WHERE p.user_id = target;
$$;
