package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// The OpenAPI 3.1 document is written by hand, as Go data: one apiOp per route, next to the schemas
// the handlers answer with. TestOpenAPICoversEveryRoute walks echo's route table and fails on any
// route missing here, so a new route cannot ship undocumented.

// apiOp describes one operation.
type apiOp struct {
	Method, Path string // echo's path syntax (":id") is accepted and converted
	Tag, Summary string
	Desc         string
	Auth         string   // "" public, "bearer" signed in
	Roles        []string // roles allowed beyond "any signed-in user" (documentation only)
	Query        []qparam
	Body         any // schema ($ref name or inline map); nil for none
	BodyType     string
	Status       int // success status
	Resp         any // success schema; nil for no body
	RespType     string
	RespAlt      string // a second content type of the success response (e.g. text/csv), as a string
	Errors       []int
}

type qparam struct {
	Name, Desc string
	Schema     map[string]any
	Required   bool
}

func qs(name, desc string, enum ...string) qparam {
	s := map[string]any{"type": "string"}
	if len(enum) > 0 {
		s["enum"] = enum
	}
	return qparam{Name: name, Desc: desc, Schema: s}
}

func qi(name, desc string, min, max int) qparam {
	return qparam{Name: name, Desc: desc, Schema: map[string]any{"type": "integer", "minimum": min, "maximum": max}}
}

func qb(name, desc string) qparam {
	return qparam{Name: name, Desc: desc, Schema: map[string]any{"type": "boolean"}}
}

// ref points at a component schema.
func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func arr(items any) map[string]any { return map[string]any{"type": "array", "items": items} }

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func str(desc string, enum ...string) map[string]any {
	s := map[string]any{"type": "string"}
	if desc != "" {
		s["description"] = desc
	}
	if len(enum) > 0 {
		s["enum"] = enum
	}
	return s
}

func nullable(typ string) map[string]any { return map[string]any{"type": []any{typ, "null"}} }

var (
	tString   = map[string]any{"type": "string"}
	tInt      = map[string]any{"type": "integer"}
	tNum      = map[string]any{"type": "number"}
	tBool     = map[string]any{"type": "boolean"}
	tTime     = map[string]any{"type": "string", "format": "date-time"}
	tTimeNull = map[string]any{"type": []any{"string", "null"}, "format": "date-time"}
	tStrings  = arr(map[string]any{"type": "string"})
	tAnyObj   = map[string]any{"type": "object", "additionalProperties": true}
)

// page wraps a schema in the list envelope {items, next_cursor}.
func page(item any) map[string]any {
	return obj(map[string]any{"items": arr(item), "next_cursor": nullable("string")}, "items")
}

func items(item any) map[string]any { return obj(map[string]any{"items": arr(item)}, "items") }

var (
	pLimit  = qi("limit", "page size", 1, 100)
	pCursor = qs("cursor", "next_cursor of the previous page")
	pFormat = qs("format", "json (default) or csv (a download; suppressed figures written as \"suppressed\")", "json", "csv")
	tCell   = map[string]any{"type": []any{"integer", "null"}, "description": "null when suppressed (about fewer than 5 actors)"}
)

const statsDesc = "Public. Counts visible profiles only. k-anonymity: a figure about 1 to 4 distinct actors is null, and its row has suppressed: true and names it in suppressed_fields."

// statsTable is the JSON envelope of an observatory table.
func statsTable(row map[string]any) map[string]any {
	row["suppressed"] = tBool
	row["suppressed_fields"] = tStrings
	return obj(map[string]any{"items": arr(obj(row)), "k": tInt, "note": tString, "generated_at": tTime}, "items", "k")
}

// apiOps lists every operation of the API. Keep it in the order of routes.go.
func apiOps() []apiOp {
	return []apiOp{
		// Operations.
		{Method: "GET", Path: "/healthz", Tag: "operations", Summary: "Liveness: 200 while the process lives", Resp: obj(map[string]any{"status": str("", "ok")})},
		{Method: "GET", Path: "/readyz", Tag: "operations", Summary: "Readiness: 200 when the database answers and the matching index is loaded", Resp: obj(map[string]any{"status": str("", "ready")}), Errors: []int{503}},
		{Method: "GET", Path: "/metrics", Tag: "operations", Summary: "Prometheus metrics", Resp: tString, RespType: "text/plain"},
		{Method: "GET", Path: "/api/openapi.json", Tag: "operations", Summary: "This document (OpenAPI 3.1)", Resp: tAnyObj},

		// Public.
		{Method: "GET", Path: "/api/v1/info", Tag: "operations", Summary: "Name, version and database of the running server",
			Resp: obj(map[string]any{"name": tString, "version": tString, "database": str("", "postgres", "sqlite")})},
		{Method: "GET", Path: "/api/v1/skills", Tag: "taxonomy", Summary: "Search the skills taxonomy (autocomplete)",
			Query: []qparam{qs("q", "label prefix or word (case and accent insensitive)"), qs("domain", "", "ai", "cci", "transversal"), pLimit},
			Resp:  items(ref("Skill")), Errors: []int{422}},
		{Method: "GET", Path: "/api/v1/sectors", Tag: "taxonomy", Summary: "The cultural and creative sectors with their NACE codes", Resp: items(ref("Sector"))},
		{Method: "POST", Path: "/api/v1/auth/register", Tag: "auth", Summary: "Create an account (role member) and sign in",
			Body: ref("RegisterRequest"), Status: 201, Resp: ref("Tokens"), Errors: []int{400, 409, 422, 429, 503}},
		{Method: "POST", Path: "/api/v1/auth/login", Tag: "auth", Summary: "Sign in with e-mail and password",
			Body: ref("LoginRequest"), Resp: ref("Tokens"), Errors: []int{400, 401, 429, 503}},
		{Method: "POST", Path: "/api/v1/auth/refresh", Tag: "auth", Summary: "Trade a refresh token for a new pair; the old one is spent and has exactly one successor (a second use is 401; after 10 s it revokes the family)",
			Body: obj(map[string]any{"refresh_token": tString}, "refresh_token"), Resp: ref("Tokens"), Errors: []int{400, 401}},

		// The observatory (public, aggregated, k-anonymous).
		{Method: "GET", Path: "/api/v1/stats/overview", Tag: "observatory", Summary: "Live figures: actors by kind, sector and country; introductions requested and connected",
			Desc: statsDesc, Query: []qparam{pFormat}, Resp: ref("StatsOverview"), Errors: []int{422}},
		{Method: "GET", Path: "/api/v1/stats/skills", Tag: "observatory", Summary: "Supply (actors offering) against demand (actors needing) per skill or skill group, with the gap (demand − supply)",
			Desc: statsDesc, Query: []qparam{qs("domain", "skill domain", "ai", "cci", "transversal"), qs("sector", "only actors in this sector"), qs("country", "only actors in this country (ISO 3166-1 alpha-2)"),
				qs("by", "one row per skill (default) or per skill group (top-level skill)", "skill", "group"), pFormat},
			Resp: statsTable(map[string]any{"skill": tString, "skill_group": tString, "domain": tString, "supply": tCell, "demand": tCell, "gap": tCell}), RespAlt: "text/csv", Errors: []int{422}},
		{Method: "GET", Path: "/api/v1/stats/trends", Tag: "observatory", Summary: "Per month or year, from the kept profile versions: actors created and updated, actors by kind, actors offering and needing AI skills",
			Desc: statsDesc, Query: []qparam{qs("period", "default month", "month", "year"), pFormat},
			Resp: statsTable(map[string]any{"period": tString, "created": tCell, "updated": tCell, "actors": tCell, "cci": tCell, "ai": tCell, "intermediary": tCell, "ai_supply": tCell, "ai_demand": tCell}), RespAlt: "text/csv", Errors: []int{422}},
		{Method: "GET", Path: "/api/v1/stats/introductions", Tag: "observatory", Summary: "Introductions requested, connected and successful by CCI sector × AI skill group",
			Desc:  statsDesc + " An introduction between a cci and an ai actor counts in every (sector of the cci actor, group of an AI skill the ai actor offers) cell. Successful: connected and a party answered collaborating or agreement.",
			Query: []qparam{pFormat}, Resp: statsTable(map[string]any{"sector": tString, "skill_group": tString, "requested": tCell, "connected": tCell, "successful": tCell}), RespAlt: "text/csv", Errors: []int{422}},

		// Open data (FAIR).
		{Method: "GET", Path: "/api/v1/open", Tag: "open data", Summary: "The open dataset described (schema.org Dataset + DCAT): licence CC BY 4.0, ESCO attribution, distributions",
			Resp: tAnyObj, RespType: "application/json"},
		{Method: "GET", Path: "/api/v1/open/actors", Tag: "open data", Summary: "Actors who opted in to the open dataset, as schema.org JSON-LD (Organization or Person, knowsAbout with ESCO URIs, seeks); never contact details",
			Query: []qparam{qi("limit", "default 100", 1, 500), pCursor}, Resp: ref("OpenActorPage"), RespType: "application/ld+json", Errors: []int{422}},
		{Method: "GET", Path: "/api/v1/open/actors/:id", Tag: "open data", Summary: "One opted-in actor as JSON-LD (404 when it did not opt in)", Resp: ref("OpenActor"), RespType: "application/ld+json"},
		{Method: "GET", Path: "/api/v1/open/dump", Tag: "open data", Summary: "Every opted-in actor in one streamed JSON-LD document (bulk download)", Resp: ref("OpenActorPage"), RespType: "application/ld+json"},
		{Method: "GET", Path: "/api/v1/open/taxonomy", Tag: "open data", Summary: "The skills taxonomy as a SKOS concept scheme in JSON-LD (skos:broader, skos:exactMatch to ESCO)", Resp: tAnyObj, RespType: "application/ld+json"},

		// Signed in.
		{Method: "POST", Path: "/api/v1/auth/logout", Tag: "auth", Auth: "bearer", Summary: "End the calling session (its access token stops at once) and the refresh family named in the body; without a body, every session of the caller", Status: 204,
			Body: obj(map[string]any{"refresh_token": tString})},
		{Method: "POST", Path: "/api/v1/auth/password", Tag: "auth", Auth: "bearer", Summary: "Change the password (ends every other session)",
			Body: obj(map[string]any{"current_password": tString, "new_password": tString}, "current_password", "new_password"), Resp: ref("Tokens"), Errors: []int{400, 422, 429, 503}},
		{Method: "GET", Path: "/api/v1/me", Tag: "account", Auth: "bearer", Summary: "The caller's account and consents",
			Resp: obj(map[string]any{"user": ref("User"), "consents": arr(ref("Consent"))}, "user")},
		{Method: "PATCH", Path: "/api/v1/me", Tag: "account", Auth: "bearer", Summary: "Change settings: name, pause matching, digest, open-data consent (applies to all the caller's actors)",
			Body: ref("SettingsRequest"), Resp: obj(map[string]any{"user": ref("User")}, "user"), Errors: []int{400, 422}},
		{Method: "GET", Path: "/api/v1/me/cohort-invitations", Tag: "organisers", Auth: "bearer", Summary: "The cohorts the caller's actors are invited to or members of, newest first",
			Resp: items(ref("CohortInvitation"))},
		{Method: "GET", Path: "/api/v1/me/export", Tag: "account", Auth: "bearer", Summary: "Everything stored about the caller (GDPR Art. 15 and 20)", Resp: tAnyObj},
		{Method: "DELETE", Path: "/api/v1/me", Tag: "account", Auth: "bearer", Summary: "Erase the account and every actor it owns", Status: 204},

		{Method: "POST", Path: "/api/v1/actors", Tag: "actors", Auth: "bearer", Summary: "Create a profile; the caller becomes its owner",
			Body: ref("ActorInput"), Status: 201, Resp: ref("Actor"), Errors: []int{400, 422}},
		{Method: "GET", Path: "/api/v1/actors", Tag: "actors", Auth: "bearer", Summary: "List visible profiles",
			Query: []qparam{qs("kind", "", "cci", "ai", "intermediary"), qs("sector", "sector slug"), qs("skill", "skill slug (matches the skill and its descendants)"),
				qs("country", "ISO 3166-1 alpha-2"), qs("language", "ISO 639-1"), qs("q", "text in name or bio"), qs("owner", "only the caller's actors", "me"), pLimit, pCursor},
			Resp: page(ref("Actor")), Errors: []int{422}},
		{Method: "GET", Path: "/api/v1/actors/:id", Tag: "actors", Auth: "bearer", Summary: "One profile (contact only for the owner, admins and connected counterparts)", Resp: ref("Actor")},
		{Method: "PATCH", Path: "/api/v1/actors/:id", Tag: "actors", Auth: "bearer", Summary: "Change a profile (owner or admin); needs version in the body or If-Match; stale → 409",
			Body: ref("ActorInput"), Resp: ref("Actor"), Errors: []int{400, 403, 409, 422}},
		{Method: "DELETE", Path: "/api/v1/actors/:id", Tag: "actors", Auth: "bearer", Summary: "Delete a profile (owner or admin)", Status: 204, Errors: []int{403}},
		{Method: "POST", Path: "/api/v1/actors/:id/renew", Tag: "actors", Auth: "bearer", Summary: "Confirm a profile is still current (owner or admin): a stale profile comes back into matching",
			Resp: ref("Actor"), Errors: []int{403}},
		{Method: "GET", Path: "/api/v1/actors/:id/matches", Tag: "matching", Auth: "bearer", Summary: "Ranked partners with reasons in both directions (owner, intermediary or admin); never contact",
			Query: []qparam{qs("kind", "", "ai", "cci", "intermediary"), qi("limit", "", 1, 50), qs("country", ""), qs("sector", ""), qb("remote", ""), qb("explain", "include reasons (default true)"),
				qs("collaboration_modes", "comma-separated modes: partners open to at least one of them"),
				qb("one_sided", "true: always add one_sided and advice; false: never; left out: only when fewer than 5 reciprocal partners are found")},
			Resp: obj(map[string]any{"items": arr(ref("Match")), "one_sided": map[string]any{"type": "array", "items": ref("Match"),
				"description": "partners who cover your needs while you cover none of theirs (backward 0), ranked by forward × context; apart from the reciprocal items, never mixed into them"},
				"advice": ref("MatchAdvice"),
				"not_on_crossover": map[string]any{"type": "array", "items": ref("Match"),
					"description": "kind=intermediary only: directory entries nobody has claimed yet, which could not answer a request; reach them outside Crossover or ask to claim them"}}, "items"),
			Errors: []int{403, 422, 503}},
		{Method: "GET", Path: "/api/v1/actors/:id/fit/:other", Tag: "matching", Auth: "bearer",
			Summary: "How one visible actor (:other) fits an actor (:id), in both directions, whatever the ranking rules say (owner of :id, intermediary or admin); never contact",
			Resp:    ref("Fit"), Errors: []int{403, 404, 422, 503}},
		{Method: "POST", Path: "/api/v1/actors/:id/feedback", Tag: "matching", Auth: "bearer", Summary: "Say not_interested, met_before or saved about a suggested partner",
			Body: obj(map[string]any{"target_id": tString, "verdict": str("", "not_interested", "met_before", "saved"),
				"reason": str("optional, the owner's own words, at most 500 characters; giving the same verdict again replaces it")}, "target_id", "verdict"),
			Status: 201, Resp: ref("Feedback"), Errors: []int{403, 422}},
		{Method: "GET", Path: "/api/v1/actors/:id/feedback", Tag: "matching", Auth: "bearer", Summary: "An actor's verdicts on suggested partners, each with the partner's name, kind and country (target; null when hidden)",
			Resp: items(map[string]any{"allOf": []any{ref("Feedback"), obj(map[string]any{"target": map[string]any{"oneOf": []any{
				obj(map[string]any{"id": tString, "name": tString, "kind": tString, "country": tString}), map[string]any{"type": "null"}}}})}}), Errors: []int{403}},
		{Method: "DELETE", Path: "/api/v1/actors/:id/feedback/:target", Tag: "matching", Auth: "bearer", Summary: "Withdraw a verdict",
			Query: []qparam{qs("verdict", "default not_interested", "not_interested", "met_before", "saved")}, Status: 204, Errors: []int{403, 404, 422}},

		{Method: "POST", Path: "/api/v1/introductions", Tag: "introductions", Auth: "bearer", Summary: "Request an introduction (direct: caller owns from_actor_id) or propose one (brokered: caller owns the intermediary)",
			Body: ref("IntroductionRequest"), Status: 201, Resp: ref("Introduction"), Errors: []int{400, 403, 409, 422, 429}},
		{Method: "GET", Path: "/api/v1/introductions", Tag: "introductions", Auth: "bearer", Summary: "The caller's introductions",
			Query: []qparam{qs("box", "", "received", "sent", "brokered"), qs("status", "", "pending", "connected", "declined", "withdrawn", "expired"), pLimit, pCursor},
			Resp:  page(ref("Introduction")), Errors: []int{422}},
		{Method: "GET", Path: "/api/v1/introductions/:id", Tag: "introductions", Auth: "bearer", Summary: "One introduction (404 to anyone not in it)", Resp: ref("Introduction")},
		{Method: "POST", Path: "/api/v1/introductions/:id/accept", Tag: "introductions", Auth: "bearer", Summary: "Accept; connected once every party accepted (contact then shown to the other side)",
			Body: obj(map[string]any{"share_contact_with_broker": tBool}), Resp: ref("Introduction"), Errors: []int{409}},
		{Method: "POST", Path: "/api/v1/introductions/:id/decline", Tag: "introductions", Auth: "bearer", Summary: "Decline with an optional reason and note",
			Body: obj(map[string]any{"reason": str("", "not_relevant", "no_capacity", "timing", "other"), "note": tString}), Resp: ref("Introduction"), Errors: []int{409, 422}},
		{Method: "POST", Path: "/api/v1/introductions/:id/withdraw", Tag: "introductions", Auth: "bearer", Summary: "Withdraw a pending introduction (requester or broker)", Resp: ref("Introduction"), Errors: []int{409}},
		{Method: "POST", Path: "/api/v1/introductions/:id/outcome", Tag: "introductions", Auth: "bearer",
			Summary: "Answer what came of a connected introduction, for the caller's side: the 30d question any time once connected, the 6m one once due (else 409 not_due); again replaces the answer",
			Body:    obj(map[string]any{"stage": str("", "30d", "6m"), "answer": str("", "no_contact", "talking", "collaborating", "agreement")}, "stage", "answer"), Resp: ref("Introduction"), Errors: []int{409, 422}},
		{Method: "GET", Path: "/api/v1/brokerage/dashboard", Tag: "introductions", Auth: "bearer", Summary: "An intermediary's brokerage figures (owner of the intermediary actor)",
			Query: []qparam{{Name: "actor", Desc: "the intermediary actor's id", Schema: tString, Required: true}},
			Resp:  obj(map[string]any{"actor_id": tString, "name": tString, "figures": ref("BrokerStats")}), Errors: []int{403, 422}},
		{Method: "GET", Path: "/api/v1/brokerage/opportunities", Tag: "introductions", Auth: "bearer", Summary: "Pairs an intermediary could introduce: actors in its focus, never introduced, best match score first (owner of the intermediary actor, or admin)",
			Query: []qparam{{Name: "actor", Desc: "the intermediary actor's id", Schema: tString, Required: true}, pLimit},
			Resp:  obj(map[string]any{"broker_actor_id": tString, "focus_actors": tInt, "items": arr(ref("Opportunity"))}, "items"), Errors: []int{403, 404, 422}},
		{Method: "GET", Path: "/api/v1/brokerage/opportunities", Tag: "introductions", Auth: "bearer", Summary: "For an intermediary: the most promising pairs among the actors in its focus, never introduced (owner of the intermediary or admin)",
			Query: []qparam{{Name: "actor", Desc: "the intermediary actor's id", Schema: tString, Required: true}, pLimit},
			Resp: obj(map[string]any{"broker_actor_id": tString, "focus_actors": tInt, "items": arr(obj(map[string]any{"a": ref("PublicActor"), "b": ref("PublicActor"),
				"score": tNum, "forward": tNum, "backward": tNum, "cross": map[string]any{"type": "boolean", "description": "the two are of different kinds"}, "reasons": arr(ref("Reason"))}))}),
			Errors: []int{403, 422, 503}},
		{Method: "POST", Path: "/api/v1/actors/:id/saved-searches", Tag: "funding", Auth: "bearer", Summary: "Save a partner or funding search (owner or admin); new matches become notifications",
			Desc:   "What the search finds now is recorded as seen; a periodic check inside serve (every 10 minutes) re-runs the searches and notifies the actor's owner of items never found before. At most 20 per actor.",
			Body:   obj(map[string]any{"kind": str("", "partner", "funding"), "name": str("at most 100 characters; a default is made from the actor's name"), "query": ref("SavedQuery")}, "kind"),
			Status: 201, Resp: obj(map[string]any{"saved_search": ref("SavedSearch"), "current": map[string]any{"type": "integer", "description": "items found now"}}), Errors: []int{403, 404, 422}},
		{Method: "GET", Path: "/api/v1/actors/:id/saved-searches", Tag: "funding", Auth: "bearer", Summary: "An actor's saved searches (owner or admin)", Resp: items(ref("SavedSearch")), Errors: []int{403, 404}},
		{Method: "PATCH", Path: "/api/v1/actors/:id/saved-searches/:search", Tag: "funding", Auth: "bearer", Summary: "Rename a saved search (owner or admin)",
			Body: obj(map[string]any{"name": str("1 to 100 characters")}, "name"), Resp: ref("SavedSearch"), Errors: []int{403, 404, 422}},
		{Method: "DELETE", Path: "/api/v1/actors/:id/saved-searches/:search", Tag: "funding", Auth: "bearer", Summary: "Delete a saved search (owner or admin)", Status: 204, Errors: []int{403, 404}},
		{Method: "GET", Path: "/api/v1/notifications", Tag: "notifications", Auth: "bearer", Summary: "The caller's notifications, newest first, with the unread count",
			Query: []qparam{qb("unread", "only unread ones"), pLimit, pCursor},
			Resp:  obj(map[string]any{"items": arr(ref("Notification")), "next_cursor": nullable("string"), "unread": tInt}, "items")},
		{Method: "POST", Path: "/api/v1/notifications/read-all", Tag: "notifications", Auth: "bearer", Summary: "Mark every notification read", Resp: obj(map[string]any{"marked": tInt, "unread": tInt})},
		{Method: "POST", Path: "/api/v1/notifications/:id/read", Tag: "notifications", Auth: "bearer", Summary: "Mark one notification read", Status: 204},

		// Funding (contract §Matching).
		{Method: "GET", Path: "/api/v1/funding", Tag: "funding", Summary: "Funding instruments (public), ordered by slug",
			Desc: "Each instrument carries current_status, its state on the server's date: closed once the deadline has passed, whatever the stored status says.",
			Query: []qparam{qs("status", "the state today (current_status)", "open", "closed", "reference"), qs("type", "", "grant", "cascade", "equity", "guarantee", "tax", "prize", "service"),
				qs("q", "text in name, managing body, summary or details"), pLimit, pCursor}, Resp: page(ref("Instrument")), Errors: []int{422}},
		{Method: "GET", Path: "/api/v1/funding/:id", Tag: "funding", Summary: "One funding instrument (public), by id or slug", Resp: ref("Instrument"), Errors: []int{404}},
		{Method: "POST", Path: "/api/v1/funding", Tag: "funding", Auth: "bearer", Roles: []string{"intermediary", "admin"}, Summary: "Add a funding instrument",
			Desc: "Checked with the rules the reference data passes; a rule that cannot be evaluated (unknown country set, min_countries above min_entities, unknown sector) is a 422 naming the field.",
			Body: ref("InstrumentInput"), Status: 201, Resp: ref("Instrument"), Errors: []int{403, 422}},
		{Method: "PATCH", Path: "/api/v1/funding/:id", Tag: "funding", Auth: "bearer", Roles: []string{"intermediary", "admin"}, Summary: "Edit a funding instrument (version in the body or If-Match; stale → 409)",
			Body: ref("InstrumentInput"), Resp: ref("Instrument"), Errors: []int{403, 404, 409, 422}},
		{Method: "GET", Path: "/api/v1/actors/:id/funding", Tag: "funding", Auth: "bearer", Summary: "Funding instruments ranked for an actor, eligibility explained criterion by criterion (owner, intermediaries, admins)",
			Desc: "Closed calls (status closed, or a call past its deadline) are never eligible: their eligibility is closed, they are left out unless include_closed=true (or eligibility=closed) and listed after the others; reference schemes are shown as models. " +
				"eligible_as lists the roles the rules allow (lead, partner) and role the one suggested for the actor's size. See docs/FUNDING.md.",
			Query: []qparam{pLimit, qb("include_closed", "also list closed calls"), qs("eligibility", "only this verdict (closed implies include_closed)", "eligible", "with_partners", "ineligible", "closed"),
				qs("role", "only calls the actor may take part in with this role", "lead", "partner")},
			Resp: items(ref("FundingMatch")), Errors: []int{403, 404, 422}},
		{Method: "GET", Path: "/api/v1/funding/:id/consortium", Tag: "funding", Auth: "bearer", Summary: "Gap analysis of a lead and chosen partners against an instrument's rules, and up to 5 suggested teams",
			Desc:  "422 names the field: actor missing or unknown; with listing the lead, an actor twice, an unknown actor, or more than 20 partners. Every suggested team meets the hard rules. See docs/FUNDING.md.",
			Query: []qparam{{Name: "actor", Desc: "the lead actor", Schema: tString, Required: true}, qs("with", "partners already chosen: actor ids separated by commas (at most 20)")},
			Resp: obj(map[string]any{"instrument": obj(map[string]any{"id": tString, "slug": tString, "name": tString, "deadline": tString,
				"current_status": str("the state on the server's date", "open", "closed", "reference")}), "actor_id": tString,
				"required_skills": tStrings, "current": ref("Team"), "method": str("exact: exhaustive search; greedy: two-phase greedy", "exact", "greedy", "none"),
				"pool_size": tInt, "items": arr(ref("Team"))}, "current", "items"), Errors: []int{403, 404, 422}},

		// Practices catalogue.
		{Method: "GET", Path: "/api/v1/practices", Tag: "practices", Summary: "AI practices in the CCIs (public), in a stable order",
			Query: []qparam{qs("sector", "sector slug"), qs("skill", "skill slug; skills below it match too"), qs("country", "ISO 3166-1 alpha-2"),
				qs("actor", "an actor involved"), qs("q", "text in title, summary or outcome"), pLimit, pCursor},
			Resp: page(ref("Practice")), Errors: []int{422}},
		{Method: "GET", Path: "/api/v1/practices/:id", Tag: "practices", Summary: "One practice (public)", Resp: ref("Practice"), Errors: []int{404}},
		{Method: "POST", Path: "/api/v1/practices", Tag: "practices", Auth: "bearer", Summary: "Share a practice (the caller owns it)",
			Body: ref("PracticeInput"), Status: 201, Resp: ref("Practice"), Errors: []int{422}},
		{Method: "PATCH", Path: "/api/v1/practices/:id", Tag: "practices", Auth: "bearer", Summary: "Edit a practice (owner or admin; version in the body or If-Match; stale → 409)",
			Body: ref("PracticeInput"), Resp: ref("Practice"), Errors: []int{403, 404, 409, 422}},
		{Method: "DELETE", Path: "/api/v1/practices/:id", Tag: "practices", Auth: "bearer", Summary: "Delete a practice (owner or admin)", Status: 204, Errors: []int{403, 404}},

		// Directory claims.
		{Method: "POST", Path: "/api/v1/cohorts/:id/members/:actor/accept", Tag: "organisers", Auth: "bearer", Summary: "The actor's owner accepts a cohort invitation (invited or declined → joined); the organiser is notified",
			Resp: ref("CohortInvitation"), Errors: []int{404, 409}},
		{Method: "POST", Path: "/api/v1/cohorts/:id/members/:actor/decline", Tag: "organisers", Auth: "bearer", Summary: "The actor's owner declines a cohort invitation or leaves the cohort (its unpublished pairs go)",
			Resp: ref("CohortInvitation"), Errors: []int{404, 409}},
		{Method: "POST", Path: "/api/v1/actors/:id/claim", Tag: "directory", Auth: "bearer", Summary: "Ask to claim an unclaimed directory entry (one pending claim per user and entry)",
			Body: obj(map[string]any{"message": str("who you are and how you are linked to the organisation (1–2000 characters)")}, "message"), Status: 201, Resp: ref("Claim"), Errors: []int{404, 409, 422}},

		// Webhooks.
		{Method: "POST", Path: "/api/v1/webhooks", Tag: "webhooks", Auth: "bearer", Summary: "Register a webhook for an actor you own; the signing secret is returned once",
			Desc: "Events: introduction.connected, match.new (a partner newly at or above min_score). Each POST carries X-Crossover-Event, X-Crossover-Delivery and " +
				"X-Crossover-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, \"<t>.<raw body>\")>; verify it over the raw body and refuse old timestamps. " +
				"A non-2xx answer or a network error is retried after 1 min, 5 min, 30 min, 2 h and 12 h, then the delivery is failed. Only https URLs to public addresses.",
			Body: ref("WebhookRequest"), Status: 201, Resp: ref("Webhook"), Errors: []int{400, 403, 422}},
		{Method: "GET", Path: "/api/v1/webhooks", Tag: "webhooks", Auth: "bearer", Summary: "The caller's webhooks (without secrets)", Resp: items(ref("Webhook"))},
		{Method: "DELETE", Path: "/api/v1/webhooks/:id", Tag: "webhooks", Auth: "bearer", Summary: "Delete a webhook and its delivery log", Status: 204},
		{Method: "GET", Path: "/api/v1/webhooks/:id/deliveries", Tag: "webhooks", Auth: "bearer", Summary: "The delivery log, newest first: payload, attempts, last status and error",
			Query: []qparam{qi("limit", "default 50", 1, 200)}, Resp: items(ref("WebhookDelivery")), Errors: []int{422}},
		{Method: "POST", Path: "/api/v1/webhooks/:id/ping", Tag: "webhooks", Auth: "bearer", Summary: "Queue a ping delivery to test the receiver", Status: 202, Resp: obj(map[string]any{"queued": tBool})},

		// Bulk import.
		{Method: "POST", Path: "/api/v1/imports/actors", Tag: "imports", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "Import actors from CSV: dry run (default) or real run, per-row error report; valid rows written in batches, one transaction each",
			Desc: "Body: the CSV as text/csv with the mapping in the query (map.<field>=<column header>, or mapping=<JSON object>), or multipart/form-data with parts file and mapping (JSON). " +
				"Fields: name, kind, org_type, country, languages (required); region, sectors, offers, needs, collaboration_modes, remote, available, capacity, bio, website, contact_email, contact_phone, focus. " +
				"Lists are separated by ; or |. offers: skill labels (preferred label, synonym or slug) with an optional :level (1–4, default 2); needs: labels with optional :must or :nice (default must). " +
				"An unmapped field is read from a column named like it. A file that is not CSV (400 malformed_csv) or lacks a required column (422) changes nothing. The imported actors are owned by the caller and managed.",
			Query: []qparam{qs("dry_run", "default true", "true", "false"), qi("preview", "dry run: how many parsed rows to return (default 5)", 0, 50), qs("mapping", "JSON object field → column header"),
				qs("mapping_id", "a saved mapping (POST /imports/mappings); map.<field> entries override it"),
				qs("async", "real runs only: answer 202 with the import job (Location: /api/v1/imports/{id}) at once and write the rows in the background", "true", "false")},
			Body: tString, BodyType: "text/csv", Resp: ref("ImportReport"), Errors: []int{400, 403, 413, 415, 422}},
		{Method: "GET", Path: "/api/v1/imports", Tag: "imports", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "The caller's import jobs (real runs), newest first, without their reports",
			Query:   []qparam{qi("limit", "default 20", 1, 100)}, Resp: items(ref("ImportJob")), Errors: []int{403, 422}},
		{Method: "GET", Path: "/api/v1/imports/:id", Tag: "imports", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "An import job: progress after each committed batch (rows_total, rows_processed, imported, failed, batches, state), and the report once done or failed",
			Desc: "Only the importing user or an admin; anyone else gets 404. state is running, done or failed; a job left running without progress for 5 minutes " +
				"(its server stopped) is shown as failed. Counts only ever include committed batches.",
			Resp: ref("ImportJob"), Errors: []int{403, 404}},

		// Organisers.
		{Method: "POST", Path: "/api/v1/cohorts/draft", Tag: "organisers", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "Batch matching for a cohort: the CCI × AI pairs with the highest total score that keep everyone within capacity (max-weight b-matching), with greedy's total for comparison",
			Desc:    "Nothing is stored. A stored cohort keeps its draft instead: POST /cohorts/{id}/draft, then edit and publish it.",
			Body: obj(map[string]any{"actor_ids": map[string]any{"type": "array", "items": tString, "minItems": 2, "maxItems": 500},
				"min_score": map[string]any{"type": "number", "minimum": 0, "maximum": 1, "description": "default 0.2"}}, "actor_ids"),
			Resp: obj(map[string]any{"method": tString, "total": tNum, "candidates": tInt, "cci": tInt, "ai": tInt, "min_score": tNum,
				"pairs":  arr(obj(map[string]any{"cci_actor_id": tString, "cci_name": tString, "ai_actor_id": tString, "ai_name": tString, "score": tNum})),
				"greedy": obj(map[string]any{"pairs": tInt, "total": tNum})}), Errors: []int{403, 422, 503}},
		{Method: "POST", Path: "/api/v1/cohorts", Tag: "organisers", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "Create a cohort (an event or programme) owned by the caller",
			Body:    ref("CohortInput"), Status: 201, Resp: ref("Cohort"), Errors: []int{403, 422}},
		{Method: "GET", Path: "/api/v1/cohorts", Tag: "organisers", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "The caller's cohorts, newest first, with member counts",
			Resp:    items(ref("Cohort")), Errors: []int{403}},
		{Method: "GET", Path: "/api/v1/cohorts/:id", Tag: "organisers", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "One cohort (owner or admin; anyone else gets 404)",
			Resp:    ref("Cohort"), Errors: []int{403, 404}},
		{Method: "PATCH", Path: "/api/v1/cohorts/:id", Tag: "organisers", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "Change a cohort; version (body or If-Match) is required, a stale one is 409; null clears a date or the broker",
			Body:    ref("CohortInput"), Resp: ref("Cohort"), Errors: []int{403, 404, 409, 422}},
		{Method: "DELETE", Path: "/api/v1/cohorts/:id", Tag: "organisers", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "Delete a cohort with its members and draft (published introductions stay)",
			Status:  204, Errors: []int{403, 404}},
		{Method: "GET", Path: "/api/v1/cohorts/:id/members", Tag: "organisers", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "The members with their status (invited, joined, declined) and profile completeness",
			Resp:    items(ref("CohortMember")), Errors: []int{403, 404}},
		{Method: "POST", Path: "/api/v1/cohorts/:id/invitations", Tag: "organisers", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "Invite actors: each owner is notified and accepts or declines; actors the organiser manages join at once",
			Desc:    "All or nothing: every listed actor must be a visible, claimed CCI or AI actor (422 names actor_ids[i]). Members already there are skipped; a declined one is invited again. At most 500 members.",
			Body:    ref("ActorIDs"), Resp: ref("MembersAdded"), Errors: []int{403, 404, 422}},
		{Method: "POST", Path: "/api/v1/cohorts/:id/members", Tag: "organisers", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "Add actors the organiser manages (created or imported by them) as joined",
			Body:    ref("ActorIDs"), Resp: ref("MembersAdded"), Errors: []int{403, 404, 422}},
		{Method: "DELETE", Path: "/api/v1/cohorts/:id/members/:actor", Tag: "organisers", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "Remove a member with its unpublished draft pairs",
			Status:  204, Errors: []int{403, 404}},
		{Method: "POST", Path: "/api/v1/cohorts/:id/draft", Tag: "organisers", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "Run the batch matching over the joined members and store it as the draft",
			Desc:    "Replaces the unpublished pairs; published ones stay and are not proposed again. Each actor's capacity is what its pending and recently connected introductions leave of it. The hard rules are the engine's (available, not excluded, not the same member, a language in common).",
			Body:    obj(map[string]any{"min_score": map[string]any{"type": "number", "minimum": 0, "maximum": 1, "description": "default 0.2"}}), Resp: ref("CohortDraft"), Errors: []int{403, 404, 422, 503}},
		{Method: "GET", Path: "/api/v1/cohorts/:id/draft", Tag: "organisers", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "The stored draft: pairs, optimal and greedy totals, which pairs are published and the state of their introductions",
			Resp:    ref("CohortDraft"), Errors: []int{403, 404}},
		{Method: "POST", Path: "/api/v1/cohorts/:id/draft/pairs", Tag: "organisers", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "Add a pair of two joined members; the engine scores it, and its hard rules or a full capacity refuse it (422)",
			Body:    obj(map[string]any{"cci_actor_id": tString, "ai_actor_id": tString}, "cci_actor_id", "ai_actor_id"), Status: 201, Resp: ref("CohortPair"), Errors: []int{403, 404, 409, 422, 503}},
		{Method: "DELETE", Path: "/api/v1/cohorts/:id/draft/pairs/:pair", Tag: "organisers", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "Remove an unpublished pair (a published one is 409: withdraw its introduction)",
			Status:  204, Errors: []int{403, 404, 409}},
		{Method: "POST", Path: "/api/v1/cohorts/:id/draft/publish", Tag: "organisers", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "Publish every unpublished pair as a brokered double-opt-in introduction (idempotent)",
			Desc:    "Same rules and limits as POST /introductions with broker_actor_id, pair by pair, best first: a refused pair is listed in failed with the rule's code (at_capacity, too_many_pending, rate_limited, already_open, not_available, recently_declined…) and stays unpublished; the others go through. Published pairs are skipped, so publishing again creates nothing new.",
			Body:    obj(map[string]any{"broker_actor_id": str("an intermediary actor of the caller; default: the cohort's"), "message": str("20 to 2000 characters; a default names the cohort")}),
			Resp: obj(map[string]any{"created": arr(obj(map[string]any{"pair_id": tString, "introduction_id": tString})), "already_published": tInt, "attempted": tInt, "broker_actor_id": tString,
				"failed": arr(obj(map[string]any{"pair_id": tString, "code": tString, "message": tString}))}), Errors: []int{403, 404, 422}},
		{Method: "GET", Path: "/api/v1/cohorts/:id/funnel", Tag: "organisers", Auth: "bearer", Roles: []string{"intermediary", "admin"},
			Summary: "The cohort's funnel: invited, joined, profiles complete, introductions requested and their states, connected, outcomes",
			Query:   []qparam{qs("format", "json (default) or csv (stage,count rows)", "json", "csv")}, Resp: ref("CohortFunnel"), RespAlt: "text/csv", Errors: []int{403, 404, 422}},

		{Method: "POST", Path: "/api/v1/imports/mappings", Tag: "imports", Auth: "bearer", Roles: []string{"intermediary", "admin"}, Summary: "Save a named column mapping for later imports",
			Body:   obj(map[string]any{"name": tString, "mapping": map[string]any{"type": "object", "additionalProperties": tString}}, "name", "mapping"),
			Status: 201, Resp: ref("ImportMapping"), Errors: []int{403, 409, 422}},
		{Method: "GET", Path: "/api/v1/imports/mappings", Tag: "imports", Auth: "bearer", Roles: []string{"intermediary", "admin"}, Summary: "The caller's saved mappings", Resp: items(ref("ImportMapping")), Errors: []int{403}},
		{Method: "DELETE", Path: "/api/v1/imports/mappings/:id", Tag: "imports", Auth: "bearer", Roles: []string{"intermediary", "admin"}, Summary: "Delete a saved mapping", Status: 204, Errors: []int{403}},

		// Moderation.
		{Method: "POST", Path: "/api/v1/reports", Tag: "moderation", Auth: "bearer", Summary: "Report a profile, or an introduction you are in (its message), to the admins",
			Body: ref("ReportRequest"), Status: 201, Resp: ref("Report"), Errors: []int{400, 404, 409, 422}},

		// Admins.
		{Method: "GET", Path: "/api/v1/reports", Tag: "moderation", Auth: "bearer", Roles: []string{"admin"}, Summary: "The moderation queue, oldest first (admin only)",
			Query: []qparam{qs("status", "default open", "open", "resolved", "all"), pLimit, pCursor}, Resp: page(ref("Report")), Errors: []int{403, 422}},
		{Method: "POST", Path: "/api/v1/reports/:id/resolve", Tag: "moderation", Auth: "bearer", Roles: []string{"admin"},
			Summary: "Resolve a report: hide the actor (for an introduction, the author of its message; every open report on the target is closed) or dismiss it (audit-logged)",
			Body:    obj(map[string]any{"action": str("", "hide", "dismiss")}, "action"), Resp: ref("Report"), Errors: []int{403, 409, 422}},
		{Method: "POST", Path: "/api/v1/actors/:id/hide", Tag: "moderation", Auth: "bearer", Roles: []string{"admin"},
			Summary: "Hide a profile: gone from lists, matches, open data and statistics; the matching index drops it (audit-logged)",
			Body:    obj(map[string]any{"reason": tString}), Resp: obj(map[string]any{"id": tString, "hidden": tBool}), Errors: []int{403, 409, 422}},
		{Method: "POST", Path: "/api/v1/actors/:id/restore", Tag: "moderation", Auth: "bearer", Roles: []string{"admin"}, Summary: "Show a hidden profile again (audit-logged)",
			Body: obj(map[string]any{"reason": tString}), Resp: obj(map[string]any{"id": tString, "hidden": tBool}), Errors: []int{403, 409, 422}},
		{Method: "PUT", Path: "/api/v1/users/:id/role", Tag: "admin", Auth: "bearer", Roles: []string{"admin"}, Summary: "Grant or take the intermediary role (admin only)",
			Body: obj(map[string]any{"role": str("", "member", "intermediary")}, "role"), Resp: obj(map[string]any{"user": ref("User")}), Errors: []int{403, 422}},
		{Method: "GET", Path: "/api/v1/claims", Tag: "directory", Auth: "bearer", Roles: []string{"admin"}, Summary: "Directory claims, oldest first (admin only)",
			Query: []qparam{qs("status", "", "pending", "approved", "rejected"), qi("limit", "at most this many", 1, 500)}, Resp: items(ref("Claim")), Errors: []int{403, 422}},
		{Method: "POST", Path: "/api/v1/claims/:id/approve", Tag: "directory", Auth: "bearer", Roles: []string{"admin"},
			Summary: "Approve a claim: the claimant owns the entry and becomes an intermediary; competing claims are rejected (audit-logged)", Resp: ref("Claim"), Errors: []int{403, 404, 409}},
		{Method: "POST", Path: "/api/v1/claims/:id/reject", Tag: "directory", Auth: "bearer", Roles: []string{"admin"}, Summary: "Reject a claim (audit-logged)", Resp: ref("Claim"), Errors: []int{403, 404, 409}},
	}
}

// apiSchemas are the component schemas.
func apiSchemas() map[string]any {
	return map[string]any{
		"Error": obj(map[string]any{"error": obj(map[string]any{
			"code":            str("stable snake_case code, e.g. validation_failed, not_found, conflict"),
			"message":         str("a human sentence"),
			"fields":          map[string]any{"type": "object", "additionalProperties": tString, "description": "only on validation errors: JSON path → what is wrong"},
			"current_version": tInt, "current_state": tString,
		}, "code", "message")}, "error"),
		"User": obj(map[string]any{"id": tString, "email": tString, "display_name": tString, "role": str("", "member", "intermediary", "admin"),
			"matching_paused": tBool, "digest_opt_out": tBool, "created_at": tTime}, "id", "email", "display_name", "role"),
		"Consent": obj(map[string]any{"id": tString, "purpose": str("", "terms", "matching", "open_data", "digest"), "terms_version": tString, "granted": tBool, "created_at": tTime}),
		"Tokens": obj(map[string]any{"user": ref("User"), "access_token": str("JWT, send as Authorization: Bearer"), "refresh_token": tString,
			"token_type": str("", "Bearer"), "expires_in": map[string]any{"type": "integer", "description": "seconds"}}, "user", "access_token", "refresh_token", "expires_in"),
		"RegisterRequest": obj(map[string]any{"email": tString, "password": str("at least 10 characters, not a common password"), "display_name": tString,
			"accept_terms": tBool, "consent_matching": tBool}, "email", "password", "display_name"),
		"LoginRequest":    obj(map[string]any{"email": tString, "password": tString}, "email", "password"),
		"SettingsRequest": obj(map[string]any{"display_name": tString, "matching_paused": tBool, "digest_opt_out": tBool, "open_data": map[string]any{"type": "boolean", "description": "opt every actor of the caller in or out of the open dataset"}}),
		"Offer":           obj(map[string]any{"skill": str("taxonomy slug"), "level": map[string]any{"type": "integer", "minimum": 1, "maximum": 4, "description": "1 awareness, 2 working, 3 advanced, 4 expert"}}, "skill", "level"),
		"Need":            obj(map[string]any{"skill": str("taxonomy slug"), "importance": str("", "must", "nice")}, "skill", "importance"),
		"Contact":         obj(map[string]any{"email": tString, "phone": tString}),
		"ActorInput": obj(map[string]any{
			"kind": str("", "cci", "ai", "intermediary"), "name": tString,
			"org_type": str("", "freelancer", "sme", "startup", "large_company", "public_institution", "university", "research_lab", "ngo", "network"),
			"sectors":  tStrings, "country": str("ISO 3166-1 alpha-2"), "region": tString, "languages": tStrings,
			"offers": arr(ref("Offer")), "needs": arr(ref("Need")),
			"collaboration_modes": arr(str("", "co-creation", "commission", "mentoring", "job-exchange", "internship", "workshop", "research")),
			"remote":              tBool, "available": tBool, "capacity": map[string]any{"type": "integer", "minimum": 0, "maximum": 100},
			"bio": tString, "website": tString, "contact": ref("Contact"), "focus": tString, "managed": tBool, "open_data": tBool,
			"version": map[string]any{"type": "integer", "description": "required on PATCH (or If-Match)"},
		}),
		"Actor": map[string]any{"allOf": []any{ref("ActorInput"), obj(map[string]any{
			"id": tString, "owner_id": nullable("string"), "source": str("", "user", "directory", "demo", "synthetic", "import"), "claimed": tBool,
			"renewed_at": tTime, "created_at": tTime, "updated_at": tTime, "stale": tBool,
			"completeness": obj(map[string]any{"percent": tInt, "missing": tStrings}),
		}, "id", "kind", "name", "version")}},
		"PublicActor": obj(map[string]any{"id": tString, "kind": tString, "name": tString, "org_type": tString, "sectors": tStrings, "country": tString,
			"region": tString, "languages": tStrings, "offers": arr(ref("Offer")), "needs": arr(ref("Need")), "collaboration_modes": tStrings,
			"remote": tBool, "available": tBool, "capacity": tInt, "bio": tString, "website": tString, "focus": tString, "updated_at": tTime}, "id", "kind", "name"),
		"Reason": obj(map[string]any{"code": tString, "message": tString, "direction": str("", "they_bring", "you_bring", "both"), "need": tString, "offer": tString, "via": tString, "level": tInt}, "code", "message"),
		"Match": obj(map[string]any{"actor": ref("PublicActor"), "score": map[string]any{"type": "number", "minimum": 0, "maximum": 1},
			"forward": tNum, "backward": tNum, "reasons": arr(ref("Reason")),
			"shared": obj(map[string]any{"languages": tStrings, "sectors": tStrings, "collaboration_modes": tStrings})}, "actor", "score", "forward", "backward", "reasons"),
		"MatchAdvice": obj(map[string]any{"reciprocal": tInt, "candidates": tInt, "visible": tBool,
			"not_visible_because": str("why others are not suggested this profile now", hiddenPaused, hiddenUnavailable, hiddenStale, hiddenUnclaimed, hiddenAtCapacity),
			"no_needs":            tBool, "no_offers": tBool, "uncovered_needs": tStrings,
			"wanted_offers":    arr(obj(map[string]any{"skill": tString, "partners": tInt}, "skill", "partners")),
			"language_blocked": tInt, "languages": tStrings, "filtered_out": tInt},
			"reciprocal", "candidates", "visible", "no_needs", "no_offers", "uncovered_needs", "wanted_offers", "language_blocked", "languages", "filtered_out"),
		"Feedback": obj(map[string]any{"id": tString, "actor_id": tString, "target_id": tString, "verdict": tString, "reason": tString, "created_at": tTime}),
		"Fit": obj(map[string]any{"actor_id": tString, "other_id": tString, "score": map[string]any{"type": "number", "minimum": 0, "maximum": 1},
			"forward":  map[string]any{"type": "number", "description": "what other brings to the needs of actor"},
			"backward": map[string]any{"type": "number", "description": "what actor brings to the needs of other"}, "reasons": arr(ref("Reason")),
			"shared": obj(map[string]any{"languages": tStrings, "sectors": tStrings, "collaboration_modes": tStrings})}, "actor_id", "other_id", "score", "forward", "backward", "reasons", "shared"),
		"IntroductionRequest": obj(map[string]any{"from_actor_id": tString, "to_actor_id": tString, "broker_actor_id": tString,
			"actor_ids": arr(tString), "message": str("20 to 2000 characters"), "notes": map[string]any{"type": "object", "additionalProperties": tString}}, "message"),
		"Party": obj(map[string]any{"actor_id": nullable("string"), "name": tString, "kind": tString, "country": tString, "role": str("", "requester", "recipient", "party"),
			"response": str("", "pending", "accepted", "declined"), "responded_at": tTimeNull, "mine": tBool, "deleted": tBool, "note": tString,
			"share_contact_with_broker": tBool, "contact": ref("Contact")}),
		"Introduction": obj(map[string]any{"id": tString, "kind": str("", "direct", "brokered"), "status": str("", "pending", "connected", "declined", "withdrawn", "expired"),
			"message": tString, "from_actor_id": tString, "to_actor_id": tString, "broker_actor_id": tString,
			"broker":    obj(map[string]any{"actor_id": nullable("string"), "name": tString, "mine": tBool}),
			"actor_ids": arr(nullable("string")), "parties": arr(ref("Party")), "my_roles": tStrings,
			"decline":           obj(map[string]any{"actor_id": nullable("string"), "reason": tString, "label": tString, "note": tString, "at": tTime}),
			"events":            arr(obj(map[string]any{"type": tString, "actor_id": nullable("string"), "reason": tString, "created_at": tTime})),
			"outcome_questions": arr(obj(map[string]any{"stage": tString, "due_at": tTime, "actor_id": nullable("string"), "answers": tStrings})),
			"my_outcomes": map[string]any{"description": "the caller's own outcome questions on a connected introduction (empty otherwise): due (notified) from due_at, answerable now or not, the answer so far",
				"type": "array", "items": obj(map[string]any{"stage": str("", "30d", "6m"), "actor_id": nullable("string"), "due_at": tTime, "due": tBool, "answerable": tBool,
					"answer": map[string]any{"type": []any{"string", "null"}, "enum": []any{"no_contact", "talking", "collaborating", "agreement", nil}}, "answered_at": tTimeNull, "answers": tStrings},
					"stage", "actor_id", "due_at", "due", "answerable", "answer", "answered_at", "answers")},
			"expires_at": tTime, "connected_at": tTimeNull, "created_at": tTime, "updated_at": tTime, "version": tInt}, "id", "kind", "status", "parties"),
		"BrokerStats": obj(map[string]any{"proposed": tInt, "pending": tInt, "connected": tInt, "declined": tInt, "withdrawn": tInt, "expired": tInt,
			"successful": tInt, "outcomes": map[string]any{"type": "object", "additionalProperties": tInt}}),
		"Notification": obj(map[string]any{"id": tString, "type": tString, "title": tString, "body": tString, "link": tString, "read_at": tTimeNull, "read": tBool, "created_at": tTime}),
		"Skill": obj(map[string]any{"slug": tString, "label": tString, "domain": str("", "ai", "cci", "transversal"), "parent": tString,
			"esco_uri": tString, "alt_labels": tStrings, "source": tString}, "slug", "label", "domain"),
		"Sector": obj(map[string]any{"slug": tString, "label": tString, "nace": tStrings, "nace_version": tString}, "slug", "label"),
		"Instrument": obj(map[string]any{"id": tString, "slug": tString, "name": tString, "short_name": tString, "managing_body": tString,
			"programme": tString, "type": str("", "grant", "cascade", "equity", "guarantee", "tax", "prize", "service"), "other_types": tStrings,
			"channel": str("", "direct", "via_financial_intermediary", "via_hub", "tax_return"), "summary": tString,
			"amount_min_eur": nullable("integer"), "amount_max_eur": nullable("integer"), "funding_rate_pct": nullable("number"),
			"budget_eur": nullable("integer"), "budget_scope": tString, "currency": tString, "indicative": tBool, "amount_note": tString,
			"eligibility": ref("Eligibility"), "skills_focus": tStrings, "sectors_focus": tStrings,
			"deadline": str("YYYY-MM-DD; empty when none is known or the instrument is continuous"), "opens": tString, "recurrence": tString,
			"status": str("as recorded", "open", "closed", "reference"), "current_status": str("the state on the server's date: closed once the deadline has passed", "open", "closed", "reference"), "source_url": tString, "sources": tStrings, "date_checked": str("YYYY-MM-DD"),
			"notes": tString, "created_by": nullable("string"), "version": tInt, "created_at": tTime, "updated_at": tTime}, "id", "slug", "name", "type", "status"),
		"InstrumentInput": obj(map[string]any{"slug": tString, "name": tString, "short_name": tString, "managing_body": tString, "programme": tString,
			"type": tString, "other_types": tStrings, "channel": tString, "summary": tString, "amount_min_eur": tInt, "amount_max_eur": tInt,
			"funding_rate_pct": tNum, "budget_eur": tInt, "budget_scope": tString, "currency": str("", "EUR"), "indicative": tBool, "amount_note": tString,
			"eligibility": ref("Eligibility"), "skills_focus": tStrings, "sectors_focus": tStrings, "deadline": tString, "opens": tString,
			"recurrence": tString, "status": tString, "source_url": tString, "sources": tStrings, "date_checked": tString, "notes": tString,
			"version": map[string]any{"type": "integer", "description": "PATCH only: the version you edited"}}),
		"Eligibility": obj(map[string]any{"applicant_kinds": tStrings, "org_types": tStrings,
			"partner_org_types": map[string]any{"type": "array", "items": tString, "description": "consortium calls: organisation types that may join as partners but not lead"},
			"countries":         map[string]any{"type": "array", "items": tString, "description": "ISO 3166-1 alpha-2 codes and set names EU27, EEA, CREATIVE_EUROPE, CREATIVE_EUROPE_MEDIA, HORIZON_ASSOCIATED"},
			"sectors":           tStrings, "single_applicant": tBool, "min_years_operating": tInt, "conditions": tStrings,
			"consortium": map[string]any{"type": []any{"object", "null"}, "properties": map[string]any{"min_entities": tInt, "min_countries": tInt,
				"sector_mix":       arr(obj(map[string]any{"sectors": tStrings, "min_entities": tInt, "description": tString})),
				"not_only_sectors": tStrings, "requires_ai_and_cci": tBool, "note": tString}}}),
		"Practice": obj(map[string]any{"id": tString, "owner_id": nullable("string"), "title": tString, "sector": tString, "summary": tString,
			"skills": tStrings, "actor_ids": tStrings, "outcome": tString, "links": tStrings, "licence": tString, "country": tString,
			"version": tInt, "created_at": tTime, "updated_at": tTime}, "id", "title", "sector", "summary", "version"),
		"PracticeInput": obj(map[string]any{"title": str("1–200 characters"), "sector": str("a sector slug"), "summary": str("1–5000 characters"),
			"skills": map[string]any{"type": "array", "items": tString, "maxItems": 30}, "actor_ids": map[string]any{"type": "array", "items": tString, "maxItems": 20},
			"outcome": tString, "links": map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "uri"}, "maxItems": 10},
			"licence": str("SPDX identifier (CC-BY-4.0) or short text, at most 100 characters"), "country": str("ISO 3166-1 alpha-2"),
			"version": map[string]any{"type": "integer", "description": "PATCH only"}}),
		"Claim": obj(map[string]any{"id": tString, "actor_id": tString, "user_id": tString, "message": tString,
			"status": str("", "pending", "approved", "rejected"), "decided_by": nullable("string"), "decided_at": tTimeNull, "created_at": tTime},
			"id", "actor_id", "user_id", "status"),
		"FundingMatch": obj(map[string]any{"instrument": ref("Instrument"), "score": tNum,
			"eligibility": str("closed: the actor meets the criteria (alone or with partners) but the call is closed", "eligible", "with_partners", "ineligible", "closed"),
			"status":      str("closed also when a call's deadline has passed", "open", "closed", "reference"),
			"eligible_as": map[string]any{"type": "array", "items": str("", "lead", "partner"), "description": "the roles the rules allow now; empty when ineligible or closed"},
			"role":        str("the suggested role; empty when none", "lead", "partner", ""),
			"role_reason": tString, "size": str("the amounts against what an organisation of the actor's type can run; empty when unknown", "fits", "large", "small", "partner_share", ""),
			"consortium_url": str("the consortium suggestions for this actor, when it may join as a partner"),
			"reasons":        arr(ref("Criterion")), "missing": tStrings, "conditions": tStrings}, "instrument", "score", "eligibility"),
		"SavedQuery": obj(map[string]any{"kind": str("partner: kind of partner", "ai", "cci", "intermediary"), "country": str("partner: ISO 3166-1 alpha-2"), "sector": str("partner: sector slug"),
			"eligibility": arr(str("", "eligible", "with_partners", "ineligible")), "type": str("funding: instrument type"), "include_closed": tBool,
			"min_score": map[string]any{"type": "number", "minimum": 0, "maximum": 1}}),
		"SavedSearch": obj(map[string]any{"id": tString, "actor_id": tString, "kind": str("", "partner", "funding"), "name": tString, "query": ref("SavedQuery"),
			"last_run_at": tTimeNull, "created_at": tTime,
			"new_hits": map[string]any{"type": "integer", "description": "in the list: items found after the search was saved"}}, "id", "actor_id", "kind", "query"),
		"Criterion": obj(map[string]any{"code": tString, "message": tString, "met": tBool}, "code", "message", "met"),
		"Team": obj(map[string]any{"members": arr(obj(map[string]any{"id": tString, "name": tString, "role": str("partner: the asking actor, when it may not coordinate", "lead", "partner", "chosen", "suggested"),
			"kind": tString, "country": tString, "actor": ref("PublicActor"), "covers": tStrings, "fills": tStrings})),
			"satisfies_rules": tBool, "rules": arr(ref("Criterion")), "coverage": tNum, "cohesion": tNum, "covered": tStrings, "uncovered": tStrings, "gaps": tStrings},
			"members", "satisfies_rules", "coverage", "gaps"),
		"Opportunity": obj(map[string]any{"a": ref("PublicActor"), "b": ref("PublicActor"), "score": tNum, "forward": tNum, "backward": tNum, "cross": tBool,
			"reasons": arr(ref("Reason"))}, "a", "b", "score"),
		"StatsRow": obj(map[string]any{"kind": tString, "sector": tString, "country": tString, "actors": tCell, "suppressed": tBool, "suppressed_fields": tStrings}),
		"StatsOverview": obj(map[string]any{"actors": tCell, "introductions": obj(map[string]any{"requested": tCell, "connected": tCell}),
			"by_kind": arr(ref("StatsRow")), "by_sector": arr(ref("StatsRow")), "by_country": arr(ref("StatsRow")), "k": tInt, "note": tString, "generated_at": tTime}),
		"OpenActor": obj(map[string]any{"@type": str("", "Organization", "Person"), "@id": tString, "identifier": tString, "name": tString, "description": tString, "url": tString,
			"address": obj(map[string]any{"addressCountry": tString, "addressRegion": tString}), "knowsLanguage": tStrings,
			"knowsAbout":         arr(obj(map[string]any{"@type": str("", "DefinedTerm"), "@id": str("the ESCO concept URI when the skill has one"), "termCode": tString, "name": tString})),
			"seeks":              arr(obj(map[string]any{"@type": str("", "Demand"), "name": tString, "itemOffered": tAnyObj})),
			"additionalProperty": arr(obj(map[string]any{"propertyID": tString, "value": tString})), "dateModified": tTime}, "@type", "@id", "name"),
		"OpenActorPage": obj(map[string]any{"@context": tAnyObj, "@id": tString, "license": tString, "creditText": tString, "@graph": arr(ref("OpenActor")), "next": nullable("string")}, "@context", "@graph", "license"),
		"ReportRequest": obj(map[string]any{"target_type": str("", "actor", "introduction"), "target_id": tString,
			"reason": str("", "spam", "inappropriate", "fake", "harassment", "other"), "note": str("at most 1000 characters")}, "target_type", "target_id", "reason"),
		"Report": obj(map[string]any{"id": tString, "reporter_id": nullable("string"), "target_type": tString, "target_id": tString, "reason": tString, "note": tString,
			"status": str("", "open", "resolved"), "action": map[string]any{"type": []any{"string", "null"}, "enum": []any{"hide", "dismiss", nil}},
			"resolved_by": nullable("string"), "resolved_at": tTimeNull, "created_at": tTime}, "id", "target_type", "target_id", "reason", "status"),
		"WebhookRequest": obj(map[string]any{"actor_id": tString, "url": str("https:// URL of the receiver"), "events": arr(str("", "introduction.connected", "match.new")),
			"min_score": map[string]any{"type": "number", "minimum": 0, "maximum": 1, "description": "match.new threshold, default 0.5"}}, "actor_id", "url", "events"),
		"Webhook": obj(map[string]any{"id": tString, "owner_id": tString, "actor_id": tString, "url": tString, "events": tStrings, "min_score": tNum, "active": tBool,
			"created_at": tTime, "secret": str("only in the answer to POST /webhooks")}, "id", "actor_id", "url", "events"),
		"WebhookDelivery": obj(map[string]any{"id": tString, "webhook_id": tString, "event": tString, "payload": str("the JSON body sent"),
			"status": str("", "pending", "delivered", "failed"), "attempts": tInt, "next_attempt_at": tTime, "last_status": nullable("integer"),
			"last_error": tString, "delivered_at": tTimeNull, "created_at": tTime}, "id", "event", "status"),
		"CohortInput": obj(map[string]any{"name": str("1 to 200 characters; required on create"), "description": str("at most 5000 characters"),
			"starts_on": map[string]any{"type": []any{"string", "null"}, "format": "date"}, "ends_on": map[string]any{"type": []any{"string", "null"}, "format": "date"},
			"broker_actor_id": map[string]any{"type": []any{"string", "null"}, "description": "an intermediary actor of the caller: publishes the draft"},
			"version":         map[string]any{"type": "integer", "description": "PATCH: the version read (or If-Match)"}}),
		"Cohort": obj(map[string]any{"id": tString, "owner_id": tString, "broker_actor_id": nullable("string"), "name": tString, "description": tString,
			"starts_on": nullable("string"), "ends_on": nullable("string"), "version": tInt, "members": tInt, "joined": tInt, "pairs": tInt,
			"created_at": tTime, "updated_at": tTime}, "id", "name", "version"),
		"CohortMember": obj(map[string]any{"actor_id": tString, "name": tString, "kind": tString, "country": tString, "capacity": tInt,
			"status": str("", "invited", "joined", "declined"), "managed_by_organiser": tBool, "completeness": tInt, "hidden": tBool,
			"invited_at": tTime, "responded_at": tTimeNull}, "actor_id", "status"),
		"ActorIDs":     obj(map[string]any{"actor_ids": map[string]any{"type": "array", "items": tString, "minItems": 1, "maxItems": 500}}, "actor_ids"),
		"MembersAdded": obj(map[string]any{"invited": tStrings, "joined": tStrings, "skipped": tStrings}, "invited", "joined", "skipped"),
		"CohortInvitation": obj(map[string]any{"cohort_id": tString, "cohort_name": tString, "description": tString, "starts_on": nullable("string"),
			"ends_on": nullable("string"), "organiser": tString, "actor_id": tString, "actor_name": tString, "status": str("", "invited", "joined", "declined"),
			"invited_at": tTime, "responded_at": tTimeNull}, "cohort_id", "actor_id", "status"),
		"CohortPair": obj(map[string]any{"id": tString, "cci_actor_id": tString, "cci_name": tString, "ai_actor_id": tString, "ai_name": tString,
			"score": tNum, "source": str("", "optimal", "manual"), "introduction_id": nullable("string"),
			"introduction_status": nullable("string"), "published_at": tTimeNull}, "id", "cci_actor_id", "ai_actor_id", "score"),
		"CohortDraft": obj(map[string]any{"cohort_id": tString, "method": tString, "drafted_at": tTimeNull, "min_score": nullable("number"),
			"total":      map[string]any{"type": []any{"number", "null"}, "description": "the optimal total when the draft was run"},
			"greedy":     map[string]any{"type": []any{"object", "null"}, "properties": map[string]any{"pairs": tInt, "total": tNum}},
			"candidates": nullable("integer"), "current_total": tNum, "published": tInt, "unpublished": tInt, "pairs": arr(ref("CohortPair"))}, "cohort_id", "pairs"),
		"CohortFunnel": obj(map[string]any{"cohort_id": tString, "invited": tInt, "joined": tInt, "declined": tInt, "invitations_pending": tInt,
			"profiles_complete": map[string]any{"type": "integer", "description": "joined members whose profile completeness is 100 %"}, "completeness_mean": tInt,
			"introductions_requested": tInt, "introductions": map[string]any{"type": "object", "additionalProperties": tInt, "description": "by status"},
			"connected": tInt, "outcomes": map[string]any{"type": "object", "additionalProperties": tInt, "description": "connected introductions by the best answer either side gave (none: not answered)"}}),
		"ImportMapping": obj(map[string]any{"id": tString, "name": tString, "mapping": map[string]any{"type": "object", "additionalProperties": tString}, "created_at": tTime}, "id", "name", "mapping"),
		"ImportJob": obj(map[string]any{"id": tString, "owner_id": tString, "state": str("", "running", "done", "failed"), "async": tBool,
			"rows_total": tInt, "rows_processed": tInt, "imported": tInt, "failed": tInt, "batches": tInt, "batch_size": tInt,
			"error": tString, "report": ref("ImportReport"), "created_at": tTime, "updated_at": tTime, "finished_at": tTimeNull},
			"id", "state", "rows_total", "rows_processed", "imported", "failed", "batches"),
		"ImportReport": obj(map[string]any{"dry_run": tBool, "rows": tInt, "valid": tInt, "invalid": tInt, "imported": tInt, "batches": tInt, "batch_size": tInt,
			"mapping":      map[string]any{"type": "object", "additionalProperties": tString},
			"errors":       arr(obj(map[string]any{"row": map[string]any{"type": "integer", "description": "spreadsheet row: the header is row 1"}, "column": tString, "field": tString, "reason": tString})),
			"invalid_rows": arr(tInt), "unresolved_skills": arr(obj(map[string]any{"label": tString, "rows": arr(tInt)})),
			"preview": arr(ref("ActorInput")), "actor_ids": tStrings, "job_id": str("real runs: the import job (GET /imports/{id})")}, "dry_run", "rows", "valid", "invalid", "imported", "errors"),
	}
}

// standard error responses.
var errorNames = map[int]string{400: "BadRequest", 401: "Unauthenticated", 403: "Forbidden", 404: "NotFound", 409: "Conflict",
	413: "TooLarge", 415: "UnsupportedMediaType", 422: "ValidationFailed", 429: "RateLimited", 503: "Unavailable"}

var errorText = map[int]string{400: "Malformed request", 401: "No valid access token", 403: "The caller may not do this",
	404: "Not found (also for things the caller may not know exist)", 409: "Conflict or stale version", 413: "Body too large",
	415: "Wrong content type", 422: "Validation failed: see error.fields", 429: "Rate limited: see Retry-After", 503: "Not ready"}

var pathParamRe = regexp.MustCompile(`:([A-Za-z_][A-Za-z0-9_]*)`)

// openAPIPath turns echo's ":id" into OpenAPI's "{id}".
func openAPIPath(p string) string { return pathParamRe.ReplaceAllString(p, "{$1}") }

// buildOpenAPI assembles the document from apiOps and apiSchemas.
func buildOpenAPI(version string) map[string]any {
	paths := map[string]any{}
	for _, op := range apiOps() {
		p := openAPIPath(op.Path)
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		var params []any
		for _, m := range pathParamRe.FindAllStringSubmatch(op.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": tString})
		}
		for _, q := range op.Query {
			qp := map[string]any{"name": q.Name, "in": "query", "schema": q.Schema}
			if q.Desc != "" {
				qp["description"] = q.Desc
			}
			if q.Required {
				qp["required"] = true
			}
			params = append(params, qp)
		}
		o := map[string]any{"summary": op.Summary, "tags": []any{op.Tag},
			"operationId": operationID(op.Method, p)}
		desc := op.Desc
		if len(op.Roles) > 0 {
			desc = strings.TrimSpace(desc + " Roles: " + strings.Join(op.Roles, ", ") + ".")
		}
		if desc != "" {
			o["description"] = desc
		}
		if params != nil {
			o["parameters"] = params
		}
		if op.Body != nil {
			ct := op.BodyType
			if ct == "" {
				ct = "application/json"
			}
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{ct: map[string]any{"schema": op.Body}}}
		}
		status := op.Status
		if status == 0 {
			status = 200
		}
		ok := map[string]any{"description": http.StatusText(status)}
		if op.Resp != nil {
			ct := op.RespType
			if ct == "" {
				ct = "application/json"
			}
			content := map[string]any{ct: map[string]any{"schema": op.Resp}}
			if op.RespAlt != "" {
				content[op.RespAlt] = map[string]any{"schema": tString}
			}
			ok["content"] = content
		}
		responses := map[string]any{itoa(status): ok}
		errs := append([]int{}, op.Errors...)
		if op.Auth != "" {
			errs = append(errs, 401)
			o["security"] = []any{map[string]any{"bearerAuth": []any{}}}
		}
		if strings.Contains(op.Path, ":") {
			errs = append(errs, 404)
		}
		for _, code := range errs {
			responses[itoa(code)] = map[string]any{"$ref": "#/components/responses/" + errorNames[code]}
		}
		o["responses"] = responses
		item[strings.ToLower(op.Method)] = o
	}
	responses := map[string]any{}
	for code, name := range errorNames {
		responses[name] = map[string]any{"description": errorText[code],
			"content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Crossover API",
			"version":     version,
			"summary":     "AI-skills matchmaking for Europe's cultural and creative industries",
			"description": "Every error is JSON {\"error\": {\"code\", \"message\", \"fields\"}}. Authenticate with `Authorization: Bearer <access_token>` from /api/v1/auth/login. See docs/API.md for curl examples.",
			"license":     map[string]any{"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
		},
		"servers": []any{map[string]any{"url": "/"}},
		"tags": []any{
			map[string]any{"name": "auth"}, map[string]any{"name": "account"}, map[string]any{"name": "actors"},
			map[string]any{"name": "matching"}, map[string]any{"name": "introductions"}, map[string]any{"name": "notifications"},
			map[string]any{"name": "funding"}, map[string]any{"name": "directory"}, map[string]any{"name": "practices"},
			map[string]any{"name": "taxonomy"}, map[string]any{"name": "admin"}, map[string]any{"name": "observatory"}, map[string]any{"name": "open data"}, map[string]any{"name": "moderation"}, map[string]any{"name": "imports"}, map[string]any{"name": "webhooks"}, map[string]any{"name": "organisers"},
			map[string]any{"name": "operations"},
		},
		"paths": paths,
		"components": map[string]any{
			"schemas":         apiSchemas(),
			"responses":       responses,
			"securitySchemes": map[string]any{"bearerAuth": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
		},
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// operationID is a stable camel-case id such as getApiV1ActorsIdMatches.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, part := range strings.FieldsFunc(path, func(r rune) bool { return r == '/' || r == '{' || r == '}' || r == '-' || r == '.' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// openapi serves the document, rendered once per server on first use.
func (s *Server) openapi() echo.HandlerFunc {
	var once sync.Once
	var body []byte
	return func(c echo.Context) error {
		once.Do(func() { body, _ = json.Marshal(buildOpenAPI(s.version)) })
		c.Response().Header().Set("Cache-Control", "public, max-age=300")
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body)
	}
}

// documentedOps lists "METHOD /path" of every operation in the document, sorted (tests and tools).
func documentedOps(doc map[string]any) []string {
	var out []string
	for p, item := range doc["paths"].(map[string]any) {
		for m := range item.(map[string]any) {
			out = append(out, strings.ToUpper(m)+" "+p)
		}
	}
	sort.Strings(out)
	return out
}
