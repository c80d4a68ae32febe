-- +goose Up
-- "claimed" says whether somebody answers for a profile: true exactly when it has an owner.
UPDATE actors SET claimed = (owner_id IS NOT NULL) WHERE claimed <> (owner_id IS NOT NULL);

-- +goose Down
SELECT 1;
