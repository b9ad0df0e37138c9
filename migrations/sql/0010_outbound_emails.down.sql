SET LOCAL search_path = public, extensions;

DROP TABLE IF EXISTS outbound_emails;
