package matching

import (
	"errors"
	"time"
)

// ErrUnknownActor is returned when a query names an actor the index does not hold.
var ErrUnknownActor = errors.New("matching: unknown actor")

// Kind is the side of the market an actor is on.
type Kind uint8

// The kinds of actor. The zero Kind in a Query means "any kind".
const (
	KindCCI          Kind = 1
	KindAI           Kind = 2
	KindIntermediary Kind = 3
)

const numKinds = 4 // index 0 unused, so a Kind indexes arrays directly

// ParseKind reads "cci", "ai" or "intermediary".
func ParseKind(s string) (Kind, bool) {
	switch s {
	case "cci":
		return KindCCI, true
	case "ai":
		return KindAI, true
	case "intermediary":
		return KindIntermediary, true
	}
	return 0, false
}

func (k Kind) String() string {
	switch k {
	case KindCCI:
		return "cci"
	case KindAI:
		return "ai"
	case KindIntermediary:
		return "intermediary"
	}
	return ""
}

func (k Kind) valid() bool { return k >= KindCCI && k <= KindIntermediary }

// Offer is a skill an actor brings, at a level from 1 (awareness) to 4 (expert).
type Offer struct {
	Skill string
	Level int
}

// Need is a skill an actor looks for; Must marks a must-have, otherwise nice-to-have.
type Need struct {
	Skill string
	Must  bool
}

// Actor is what the engine knows of a profile. The index keeps a compact copy, not this struct.
//
// Capacity is the number of introductions the actor can take on at once; Capacity <= 0 means the
// actor declared no limit (never "at capacity"). An actor is at capacity when
// ActiveIntroductions >= Capacity > 0.
type Actor struct {
	ID      string
	OwnerID string
	// Managed marks a profile an intermediary manages for someone else: the same-owner rule
	// does not exclude it.
	Managed bool

	Kind   Kind
	Offers []Offer
	Needs  []Need

	Languages []string
	Sectors   []string
	Modes     []string
	Country   string
	Region    string

	Remote    bool
	Available bool
	Paused    bool
	Stale     bool
	// Unclaimed marks a profile nobody answers for (a directory entry without an owner): a
	// request to it could never be answered, so it is never suggested.
	Unclaimed bool

	Capacity            int
	ActiveIntroductions int

	// Responsiveness is the share of received introduction requests the actor answered, in [0,1];
	// 0 means unknown and counts as 1 (a true 0 is passed as a small positive value). It is used
	// only by Match's exposure re-ranking step, never by MatchExact: see ResponsivenessWeight.
	Responsiveness float64

	CreatedAt time.Time
}

// candidate reports whether the actor may appear in anyone's results.
func (a *Actor) candidate() bool {
	if !a.Available || a.Paused || a.Stale || a.Unclaimed {
		return false
	}
	return a.Capacity <= 0 || a.ActiveIntroductions < a.Capacity
}

// Query asks for the best partners of one actor.
type Query struct {
	ActorID string
	Kind    Kind // kind of partner wanted; 0 = any
	Limit   int  // default 20, at most MaxLimit
	// Optional filters on the partner.
	Country string
	Sector  string
	Remote  *bool
	// Modes keeps partners open to at least one of these collaboration modes; empty keeps all.
	Modes []string
	// Explain fills Result.Reasons.
	Explain bool
	// Now is the clock for exposure control and the cold-start boost; zero means time.Now().
	Now time.Time
}

// DefaultLimit and MaxLimit bound Query.Limit.
const (
	DefaultLimit = 20
	MaxLimit     = 1000
)

// Result is one ranked partner. Score is in [0,1]; Forward is how well the partner meets the
// querying actor's needs, Backward how well the querying actor meets the partner's.
type Result struct {
	ActorID  string
	Score    float64
	Forward  float64
	Backward float64
	Reasons  []Reason
}

// Reason explains one part of a score. Direction is "they_bring" (the partner covers a need of
// the querying actor), "you_bring" (the querying actor covers a need of the partner) or "both".
type Reason struct {
	Code      string
	Message   string
	Direction string
	Need      string
	Offer     string
	Via       string
	Level     int
}

// Reason directions.
const (
	TheyBring = "they_bring"
	YouBring  = "you_bring"
	Both      = "both"
)
