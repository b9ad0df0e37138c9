-- The application lifecycle of PRODUCT_RULES §4.
CREATE OR REPLACE FUNCTION public.application_transition_allowed(from_status text, to_status text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT from_status = to_status OR (from_status, to_status) IN (
        ('pending', 'shortlisted'), ('pending', 'accepted'), ('pending', 'declined'),
        ('pending', 'withdrawn'), ('shortlisted', 'accepted'), ('shortlisted', 'declined'),
        ('shortlisted', 'withdrawn'))
$$;
