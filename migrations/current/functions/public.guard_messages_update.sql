CREATE OR REPLACE FUNCTION public.guard_messages_update() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
    caller uuid := auth.uid();
BEGIN
    IF public.is_platform() THEN
        RETURN NEW;
    END IF;
    PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'messages',
        ARRAY['id', 'conversation_id', 'from_user_id', 'to_user_id', 'sent_at'],
        'a message''s sender, recipient and time are fixed');
    IF caller = OLD.to_user_id THEN
        -- The recipient only marks the message read.
        PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'messages',
            ARRAY['body', 'attachments', 'edited_at', 'deleted_at'], 'only the sender edits or deletes');
    ELSE
        PERFORM public.assert_unchanged(to_jsonb(OLD), to_jsonb(NEW), 'messages',
            ARRAY['read_at'], 'only the recipient marks a message read');
    END IF;
    RETURN NEW;
END
$$;
