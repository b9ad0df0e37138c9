-- The caller's account state, read in the same round trip that sets the request's role and
-- claims: a suspended or banned user's still-valid access token stops working at once.
-- SECURITY DEFINER so it needs no policy on users; it only ever answers about auth.uid().
CREATE OR REPLACE FUNCTION public.current_account_state() RETURNS TEXT
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT coalesce(
        (SELECT CASE
                    WHEN u.account_status = 'suspended' AND u.suspended_until <= now() THEN 'active'
                    ELSE u.account_status
                END
           FROM public.users u
          WHERE u.id = auth.uid()),
        'missing')
$$;
