-- The audit trail (docs/schema.md "Audit trail"): every change, one statement at a time; the
-- one-time token (`secret`) is never copied into it.
CREATE TRIGGER audit_insert AFTER INSERT ON public.outbound_emails
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{secret}');
CREATE TRIGGER audit_update AFTER UPDATE ON public.outbound_emails
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{secret}');
CREATE TRIGGER audit_delete AFTER DELETE ON public.outbound_emails
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{secret}');
