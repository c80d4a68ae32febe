// Package models holds the gorm entities, the Store with its domain errors, the database
// connection (PostgreSQL or embedded SQLite) and the embedded, versioned migrations.
// It is the only package that imports gorm; it must not import echo or api.
package models
