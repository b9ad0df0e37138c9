CREATE TRIGGER applications_capacity BEFORE INSERT ON public.applications
    FOR EACH ROW EXECUTE FUNCTION public.applications_enforce_capacity();
CREATE TRIGGER applications_guard BEFORE UPDATE ON public.applications
    FOR EACH ROW EXECUTE FUNCTION public.guard_applications_update();
CREATE TRIGGER applications_set_updated_at BEFORE UPDATE ON public.applications
    FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

-- The audit trail (docs/schema.md "Audit trail"): every change, one statement at a time.
CREATE TRIGGER audit_insert AFTER INSERT ON public.applications
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{}');
CREATE TRIGGER audit_update AFTER UPDATE ON public.applications
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{}');
CREATE TRIGGER audit_delete AFTER DELETE ON public.applications
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{}');
