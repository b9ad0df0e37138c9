-- The gig marketplace (PRODUCT_RULES §3, §4): capacity rules the database itself enforces, so
-- that concurrent requests cannot exceed them whatever the application code does.
--
-- "Fewer than max_applicants non-withdrawn applications": a talent cannot see other talents'
-- applications (row level security) and cannot lock the gig row (SELECT … FOR UPDATE needs
-- UPDATE rights), so the count happens here, with the owner's rights, after a transaction-level
-- advisory lock on the gig: concurrent applications to one gig queue on that lock and each one
-- counts what the previous ones committed. The lock key is (4101, hashtext(gig id)), the same
-- key the API takes (preset.constants.LOCK_GIG_APPLICATIONS).
SET LOCAL search_path = public, extensions;

\apply current/functions/public.applications_enforce_capacity.sql sha256=51a42a83dcafcbf9
REVOKE ALL ON FUNCTION public.applications_enforce_capacity() FROM PUBLIC;
\apply current/triggers/public.applications.sql sha256=194f42d630d24e87

\apply current/functions/public.gigs_guard_max_applicants.sql sha256=229ecb7379d8b527
REVOKE ALL ON FUNCTION public.gigs_guard_max_applicants() FROM PUBLIC;
\apply current/triggers/public.gigs.sql sha256=d3b5d02cf2411a49

-- The owner's list of applications by date and the applicant's own list, keyset-paged
-- (GET /api/gigs/{id}/applications, GET /api/applications/mine).
CREATE INDEX idx_applications_gig_applied ON applications (gig_id, applied_at DESC, id DESC);
