SET LOCAL search_path = public, extensions;

DROP TRIGGER IF EXISTS profiles_zz_set_completion ON profiles;
DROP FUNCTION IF EXISTS public.profiles_set_completion();
DROP FUNCTION IF EXISTS public.profile_completion(public.profiles);
DROP FUNCTION IF EXISTS public.current_schema_revision();
DROP FUNCTION IF EXISTS public.current_account_state();

DROP TABLE IF EXISTS login_attempts;
DROP TABLE IF EXISTS email_tokens;
DROP TABLE IF EXISTS refresh_tokens;
DROP TABLE IF EXISTS user_credentials;
