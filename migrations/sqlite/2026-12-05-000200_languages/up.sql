-- The language a person reads (`zh` Simplified Chinese, `en` English): the console speaks it and
-- e-mails to the person are written in it. A user who has not chosen one (null) gets the
-- browser's language in the console and Chinese e-mails; a customer's contact gets Chinese
-- unless told otherwise.
ALTER TABLE users ADD COLUMN language TEXT;
ALTER TABLE contacts ADD COLUMN language TEXT NOT NULL DEFAULT 'zh';
