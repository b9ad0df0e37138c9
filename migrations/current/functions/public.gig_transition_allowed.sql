-- The gig lifecycle of PRODUCT_RULES §3, backed by the database.
CREATE OR REPLACE FUNCTION public.gig_transition_allowed(from_status text, to_status text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT from_status = to_status OR (from_status, to_status) IN (
        ('draft', 'published'), ('published', 'closed'), ('closed', 'published'),
        ('published', 'completed'), ('closed', 'completed'),
        ('draft', 'cancelled'), ('published', 'cancelled'), ('closed', 'cancelled'))
$$;
