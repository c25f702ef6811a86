-- The knowledge base: articles with their flow (draft, review, published, retired), every edit a
-- version, readers' ratings, the tickets an article solved, and the search index over tokens
-- prepared by the service (Chinese segmented, English stemmed).
CREATE TABLE kb_articles (
    id BIGSERIAL PRIMARY KEY,
    -- question_answer, how_to or troubleshooting.
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    -- staff (staff only) or customers (customers too).
    audience TEXT NOT NULL,
    -- Comma-separated, in the order written.
    tags TEXT NOT NULL DEFAULT '',
    -- Related product models, comma-separated.
    models TEXT NOT NULL DEFAULT '',
    -- draft, review, published or retired.
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    -- Who last changed the text (the reviewer must be someone else).
    edited_by BIGINT NOT NULL REFERENCES users (id),
    reviewed_by BIGINT REFERENCES users (id),
    review_note TEXT,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX kb_articles_status ON kb_articles (status);

-- The scope: no row means everywhere; rows name the service regions it holds in.
CREATE TABLE kb_article_regions (
    article_id BIGINT NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    region_id BIGINT NOT NULL REFERENCES service_regions (id),
    PRIMARY KEY (article_id, region_id)
);

-- Each edit of the text: who, when, and what it then said.
CREATE TABLE kb_versions (
    id BIGSERIAL PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    note TEXT,
    edited_by BIGINT NOT NULL REFERENCES users (id),
    edited_at TIMESTAMP NOT NULL,
    UNIQUE (article_id, version)
);

-- One rating per reader and article (a new one replaces the reader's last).
CREATE TABLE kb_ratings (
    article_id BIGINT NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    accuracy INTEGER NOT NULL,
    readability INTEGER NOT NULL,
    feedback TEXT,
    rated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, user_id)
);

-- The tickets an article solved.
CREATE TABLE kb_ticket_links (
    article_id BIGINT NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    linked_by BIGINT NOT NULL REFERENCES users (id),
    linked_at TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, ticket_id)
);
CREATE INDEX kb_ticket_links_ticket ON kb_ticket_links (ticket_id);

-- The search index: the prepared tokens of the title (weight A) and of the body, tags and
-- models (weight B), in the 'simple' configuration (the tokens are already what they should be).
CREATE TABLE kb_search (
    article_id BIGINT PRIMARY KEY REFERENCES kb_articles (id) ON DELETE CASCADE,
    doc TSVECTOR NOT NULL
);
CREATE INDEX kb_search_doc ON kb_search USING GIN (doc);
