CREATE TRIGGER messages_guard BEFORE UPDATE ON public.messages
    FOR EACH ROW EXECUTE FUNCTION public.guard_messages_update();

-- The audit trail (docs/schema.md "Audit trail"): every change, one statement at a time.
CREATE TRIGGER audit_insert AFTER INSERT ON public.messages
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{}');
CREATE TRIGGER audit_update AFTER UPDATE ON public.messages
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{}');
CREATE TRIGGER audit_delete AFTER DELETE ON public.messages
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{}');
