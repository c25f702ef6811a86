-- Quality review (质检) of handled tickets: the scorecard's criteria with their weights, how many
-- of each agent's handled tickets a month's sample draws, the sampled tickets with their review,
-- dispute and decision, and the training plan entries of the monthly quality report.
CREATE TABLE quality_criteria (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    -- A share of the weighted total: the weights of the active criteria are added up.
    weight INTEGER NOT NULL,
    -- The order on the scorecard.
    position INTEGER NOT NULL,
    -- An inactive criterion is left off new reviews; past reviews keep what they scored.
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

INSERT INTO quality_criteria (name, description, weight, position, active, created_at, updated_at) VALUES
    ('Greeting and courtesy · 问候与礼貌', 'The standard service language: greets, says please and thank you, closes politely (请字当头, 您字不离口, 再见结尾).', 15, 1, TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('Accuracy of the answer · 答复准确', 'Asks what the problem is and answers it correctly and completely (问清用户问题, 详细解答; 简明、准确的答复).', 25, 2, TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('Timeliness · 及时', 'Answers and acts within the limits: quick reply, a call back within 24 hours when it cannot be solved at once (反应快, 应答及时).', 15, 3, TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('Attitude · 服务态度', 'Patient, kind and warm; no harsh words, no blaming the customer, no shifting responsibility (态度和蔼, 不推诿, 不争执).', 15, 4, TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('Resolution · 问题解决', 'The problem is solved, or sent on (remote, on-site) at once when it cannot be solved on the line (不得搪塞用户).', 20, 5, TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('Record quality · 记录质量', 'The registration and the timeline are true and complete (填写的各项记录必须真实、完整).', 10, 6, TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

-- One row: how many handled tickets of each agent a month's sample draws (at least one).
CREATE TABLE quality_settings (
    id INTEGER PRIMARY KEY,
    sample_per_agent INTEGER NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO quality_settings (id, sample_per_agent, updated_at) VALUES (1, 3, CURRENT_TIMESTAMP);

-- A sampled ticket and its review. A ticket is sampled once ever (the unique key), so a later
-- month's sample never draws it again.
CREATE TABLE quality_reviews (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL UNIQUE REFERENCES tickets (id),
    -- The ticket's owner, whose handling is reviewed, and their team when it was drawn.
    agent_id BIGINT NOT NULL REFERENCES users (id),
    team_id BIGINT REFERENCES teams (id),
    -- The month of the sample, YYYY-MM in the business calendar's zone.
    month TEXT NOT NULL,
    -- queued, reviewed, disputed, decided.
    status TEXT NOT NULL,
    sampled_at TIMESTAMP NOT NULL,
    reviewer_id BIGINT REFERENCES users (id),
    -- The scorecard as scored: each criterion's name, weight, score (0-5) and fault note.
    scores_json TEXT,
    -- The weighted total, 0-100 (after a decision that changed it, the changed one).
    total DOUBLE PRECISION,
    comments TEXT,
    reviewed_at TIMESTAMP,
    dispute_reason TEXT,
    disputed_at TIMESTAMP,
    decider_id BIGINT REFERENCES users (id),
    -- upheld or changed.
    decision TEXT,
    decision_note TEXT,
    decided_at TIMESTAMP,
    -- The first reviewer's total, kept when a decision changed it.
    first_total DOUBLE PRECISION,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX quality_reviews_month ON quality_reviews (month, status);
CREATE INDEX quality_reviews_agent ON quality_reviews (agent_id, month);

-- The training plan entries of a month's quality report, for an agent or for a team.
CREATE TABLE quality_training (
    id BIGSERIAL PRIMARY KEY,
    month TEXT NOT NULL,
    agent_id BIGINT REFERENCES users (id),
    team_id BIGINT REFERENCES teams (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX quality_training_month ON quality_training (month);
