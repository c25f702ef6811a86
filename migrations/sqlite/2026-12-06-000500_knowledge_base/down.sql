DROP TABLE kb_search;
DROP TABLE kb_ticket_links;
DROP TABLE kb_ratings;
DROP TABLE kb_versions;
DROP TABLE kb_article_regions;
DROP TABLE kb_articles;
