package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/matching"
	"github.com/crossover-cci/crossover/models"
)

// Outgoing webhooks per organisation (an actor the caller owns): introduction.connected and match.new
// (a partner newly above min_score), HMAC-SHA256 signed, retried, with a delivery log for the owner.
// The signing and delivery are in models (webhooks.go); this file has the endpoints and the feeder of
// match events, which needs the matching index.

type webhookRequest struct {
	ActorID  string   `json:"actor_id"`
	URL      string   `json:"url"`
	Events   []string `json:"events"`
	MinScore *float64 `json:"min_score"`
}

type webhookView struct {
	models.Webhook
	Events []string `json:"events"`
	Secret string   `json:"secret,omitempty"`
}

func viewWebhook(w *models.Webhook, secret string) webhookView {
	return webhookView{Webhook: *w, Events: w.EventList(), Secret: secret}
}

func (s *Server) createWebhook(c echo.Context) error {
	var req webhookRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if req.ActorID == "" {
		return models.Invalid("actor_id", "is required: the organisation (actor) the webhook speaks for")
	}
	a, err := s.store.Actor(ctx, req.ActorID)
	if err != nil {
		return err
	}
	if !canEditActor(userFrom(c), a) {
		return errForbidden("Only the owner of this profile registers its webhooks.")
	}
	w, secret, err := s.store.CreateWebhook(ctx, models.NewWebhook{OwnerID: userFrom(c).ID, ActorID: a.ID, URL: req.URL, Events: req.Events, MinScore: req.MinScore})
	if err != nil {
		return err
	}
	_ = s.store.Audit(ctx, &userFrom(c).ID, c.RealIP(), "webhook_created", "webhook "+w.ID+" for actor "+a.ID)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusCreated, viewWebhook(w, secret))
}

func (s *Server) listWebhooks(c echo.Context) error {
	list, err := s.store.Webhooks(c.Request().Context(), userFrom(c).ID)
	if err != nil {
		return err
	}
	items := make([]webhookView, len(list))
	for i := range list {
		items[i] = viewWebhook(&list[i], "")
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (s *Server) deleteWebhook(c echo.Context) error {
	if err := s.store.DeleteWebhook(c.Request().Context(), userFrom(c).ID, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) webhookDeliveries(c echo.Context) error {
	limit, err := queryInt(c, "limit", 50, 1, 200)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	w, err := s.store.Webhook(ctx, userFrom(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	items, err := s.store.WebhookDeliveries(ctx, w.ID, limit)
	if err != nil {
		return err
	}
	if items == nil {
		items = []models.WebhookDelivery{}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// pingWebhook enqueues a test delivery, sent by the next round of the sender.
func (s *Server) pingWebhook(c echo.Context) error {
	ctx := c.Request().Context()
	w, err := s.store.Webhook(ctx, userFrom(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	now := s.now()
	if _, err := s.store.EnqueueWebhook(ctx, w, models.EventPing, "ping:"+now.UTC().Format(time.RFC3339Nano), map[string]any{"message": "Hello from Crossover."}, now); err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, map[string]any{"queued": true})
}

// feedMatchWebhooks enqueues match.new for every partner at or above a webhook's min_score that it
// was never told about (the delivery's dedupe key is the partner). Public facts only.
func (s *Server) feedMatchWebhooks(ctx context.Context) (int, error) {
	ix := s.matcher.index()
	if ix == nil {
		return 0, nil
	}
	hooks, err := s.store.ActiveWebhooks(ctx, models.EventMatchNew)
	if err != nil {
		return 0, err
	}
	n := 0
	now := s.now()
	for i := range hooks {
		w := &hooks[i]
		results, err := ix.Match(matching.Query{ActorID: w.ActorID, Limit: 20, Now: now})
		if err != nil {
			continue // the actor left the index (hidden, deleted, paused)
		}
		var ids []string
		for _, r := range results {
			if r.Score >= w.MinScore {
				ids = append(ids, r.ActorID)
			}
		}
		found, err := s.store.ActorsIn(ctx, ids)
		if err != nil {
			return n, err
		}
		for _, r := range results {
			b, ok := found[r.ActorID]
			if !ok || r.Score < w.MinScore {
				continue
			}
			added, err := s.store.EnqueueWebhook(ctx, w, models.EventMatchNew, "match:"+b.ID, map[string]any{
				"partner": map[string]any{"id": b.ID, "name": b.Name, "kind": b.Kind, "country": b.Country, "sectors": b.Sectors},
				"score":   r.Score, "forward": r.Forward, "backward": r.Backward}, now)
			if err != nil {
				return n, err
			}
			if added {
				n++
			}
		}
	}
	return n, nil
}

// RunWebhooks feeds and sends webhook deliveries every interval until ctx ends (serve starts it).
func (s *Server) RunWebhooks(ctx context.Context, interval time.Duration) {
	sender := &models.WebhookSender{Store: s.store, Client: models.NewWebhookClient(false), Log: s.log, UserAgent: "crossover-webhooks/" + s.version}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		now := s.now()
		if _, err := s.store.FeedConnectedIntroductions(ctx, now); err != nil && ctx.Err() == nil {
			s.log.Error("webhooks: introductions feed", "error", err)
		}
		if _, err := s.feedMatchWebhooks(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("webhooks: match feed", "error", err)
		}
		if _, err := sender.DeliverDue(ctx, now, 50); err != nil && ctx.Err() == nil {
			s.log.Error("webhooks: deliver", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
