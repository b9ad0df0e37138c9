CREATE TRIGGER reviews_guard BEFORE UPDATE ON public.reviews
    FOR EACH ROW EXECUTE FUNCTION public.guard_reviews_update();
CREATE TRIGGER reviews_refresh_rating AFTER INSERT OR DELETE OR UPDATE OF rating, is_public, reviewee_id ON public.reviews
    FOR EACH ROW EXECUTE FUNCTION public.reviews_refresh_rating();
CREATE TRIGGER reviews_set_updated_at BEFORE UPDATE ON public.reviews
    FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

-- The audit trail (docs/schema.md "Audit trail"): every change, one statement at a time.
CREATE TRIGGER audit_insert AFTER INSERT ON public.reviews
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{}');
CREATE TRIGGER audit_update AFTER UPDATE ON public.reviews
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{}');
CREATE TRIGGER audit_delete AFTER DELETE ON public.reviews
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_changes('id', '{}');
