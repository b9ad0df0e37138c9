SET LOCAL search_path = public, extensions;

DROP INDEX IF EXISTS idx_applications_gig_applied;
DROP TRIGGER IF EXISTS gigs_max_applicants_guard ON gigs;
DROP FUNCTION IF EXISTS public.gigs_guard_max_applicants();
DROP TRIGGER IF EXISTS applications_capacity ON applications;
DROP FUNCTION IF EXISTS public.applications_enforce_capacity();
