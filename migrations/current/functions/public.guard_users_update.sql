CREATE OR REPLACE FUNCTION public.guard_users_update() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'users', ARRAY['id', 'created_at'],
        'a user''s identity never changes');
    -- Nobody, admins included, changes these on their own row; admins may on other users'.
    IF OLD.id = auth.uid() OR NOT public.is_admin() THEN
        PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'users',
            ARRAY['email', 'role', 'verification_status', 'subscription_tier', 'subscription_status',
                  'stripe_customer_id', 'stripe_subscription_id', 'subscription_started_at',
                  'subscription_expires_at', 'last_login_at', 'email_verified_at',
                  'account_status', 'suspended_until'],
            'a user cannot change their own role, subscription, verification, billing or account status');
    END IF;
    RETURN NEW;
END
$$;
