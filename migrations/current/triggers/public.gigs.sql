CREATE TRIGGER gigs_guard BEFORE INSERT OR UPDATE ON public.gigs
    FOR EACH ROW EXECUTE FUNCTION public.guard_gigs_write();
CREATE TRIGGER gigs_location_geo BEFORE INSERT OR UPDATE OF location_lat, location_lng, location_geo ON public.gigs
    FOR EACH ROW EXECUTE FUNCTION public.gigs_set_location_geo();
CREATE TRIGGER gigs_max_applicants_guard BEFORE UPDATE OF max_applicants ON public.gigs
    FOR EACH ROW WHEN (NEW.max_applicants < OLD.max_applicants)
    EXECUTE FUNCTION public.gigs_guard_max_applicants();
CREATE TRIGGER gigs_set_updated_at BEFORE UPDATE ON public.gigs
    FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

-- The audit trail (docs/schema.md "Audit trail"): every change, one statement at a time.
CREATE TRIGGER audit_insert AFTER INSERT ON public.gigs
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{}');
CREATE TRIGGER audit_update AFTER UPDATE ON public.gigs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{}');
CREATE TRIGGER audit_delete AFTER DELETE ON public.gigs
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{}');
