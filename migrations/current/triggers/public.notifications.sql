CREATE TRIGGER notifications_guard BEFORE UPDATE ON public.notifications
    FOR EACH ROW EXECUTE FUNCTION public.guard_notifications_update();

-- The audit trail (docs/schema.md "Audit trail"): every change, one statement at a time.
CREATE TRIGGER audit_insert AFTER INSERT ON public.notifications
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{}');
CREATE TRIGGER audit_update AFTER UPDATE ON public.notifications
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{}');
CREATE TRIGGER audit_delete AFTER DELETE ON public.notifications
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{}');
