// Package frontend embeds the built web UI (Svelte 5 + Vite 7, sources beside this file) into the binary.
// The api package serves it with an SPA fallback; `npm run build` fills dist/ before `go build`.
// It must not import anything of ours: it only hands out the built files.
package frontend
