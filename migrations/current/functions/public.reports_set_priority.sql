-- Priority is set on arrival by the database (PRODUCT_RULES §9), whatever the caller sent.
CREATE OR REPLACE FUNCTION public.reports_set_priority() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    recent integer;
BEGIN
    IF NEW.reason IN ('underage', 'safety') THEN
        NEW.priority := 'critical';
        RETURN NEW;
    END IF;
    SELECT count(*) + 1 INTO recent
      FROM public.reports r
     WHERE r.status IN ('pending', 'reviewed')
       AND r.created_at > now() - interval '24 hours'
       AND ((r.content_type = NEW.content_type AND r.content_id = NEW.content_id)
            OR (NEW.reported_user_id IS NOT NULL AND r.reported_user_id = NEW.reported_user_id));
    NEW.priority := CASE WHEN recent >= 5 THEN 'high' WHEN recent >= 2 THEN 'medium' ELSE 'low' END;
    RETURN NEW;
END
$$;
