-- Append-only: nobody but the database owner (or a superuser) updates, deletes or truncates.
CREATE TRIGGER audit_logs_append_only BEFORE DELETE OR UPDATE ON public.audit_logs
    FOR EACH ROW EXECUTE FUNCTION public.audit_logs_append_only();
CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON public.audit_logs
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_logs_append_only();
