package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// notificationView adds the read flag the web UI shows.
type notificationView struct {
	models.Notification
	Read bool `json:"read"`
}

// listNotifications is the caller's inbox, newest first, with the unread count.
func (s *Server) listNotifications(c echo.Context) error {
	limit, err := queryInt(c, "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	unread := c.QueryParam("unread")
	if unread != "" && unread != "true" && unread != "false" {
		return models.Invalid("unread", "must be true or false")
	}
	page, next, count, err := s.store.Notifications(c.Request().Context(), models.NotificationFilter{
		UserID: userFrom(c).ID, UnreadOnly: unread == "true", Limit: limit, Cursor: c.QueryParam("cursor")})
	if err != nil {
		return err
	}
	items := make([]notificationView, len(page))
	for i, n := range page {
		items[i] = notificationView{Notification: n, Read: n.ReadAt != nil}
	}
	var nc *string
	if next != "" {
		nc = &next
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": nc, "unread": count})
}

func (s *Server) readNotification(c echo.Context) error {
	if err := s.store.MarkRead(c.Request().Context(), userFrom(c).ID, c.Param("id"), s.now()); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) readAllNotifications(c echo.Context) error {
	n, err := s.store.MarkAllRead(c.Request().Context(), userFrom(c).ID, s.now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"marked": n, "unread": 0})
}
