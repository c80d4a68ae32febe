// Package api is the HTTP layer: the echo server, the one route table, auth middleware and
// handlers. It is the only package that imports echo; echo.Context never leaves it.
// It must not import gorm: it talks to the store through models.Store.
package api
