package seeds

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/crossover-cci/crossover/models"
)

// DemoLogin is an account that `make run` prints, so that a newcomer can sign in at once.
type DemoLogin struct {
	Email, Password, Role, Actor string
}

// DemoPassword is shared by every demo login; demo data is for local trials only.
const DemoPassword = "crossover-demo-2026"

// DemoLogins are the five demo accounts, one per kind of user in the brief.
var DemoLogins = []DemoLogin{
	{"museum@demo.crossover.eu", DemoPassword, models.RoleMember, "Rijksmuseum Twenthe Lab"},
	{"startup@demo.crossover.eu", DemoPassword, models.RoleMember, "Pixelsense AI"},
	{"musician@demo.crossover.eu", DemoPassword, models.RoleMember, "Lena Vogt Studio"},
	{"broker@demo.crossover.eu", DemoPassword, models.RoleIntermediary, "Creative Hub Eindhoven"},
	{"admin@demo.crossover.eu", DemoPassword, models.RoleAdmin, ""},
}

type demoActor struct {
	login   string // e-mail of the owning demo login; "" for an unowned demo profile
	kind    string
	name    string
	orgType string
	country string
	region  string
	langs   []string
	sectors []string
	offers  []models.Offer
	needs   []models.Need
	modes   []string
	remote  bool
	bio     string
	email   string
}

func o(skill string, level int) models.Offer { return models.Offer{Skill: skill, Level: level} }
func must(skill string) models.Need          { return models.Need{Skill: skill, Importance: "must"} }
func nice(skill string) models.Need          { return models.Need{Skill: skill, Importance: "nice"} }
func langs(l ...string) []string             { return l }

var demoActors = []demoActor{
	{"museum@demo.crossover.eu", "cci", "Rijksmuseum Twenthe Lab", "public_institution", "NL", "Overijssel", langs("nl", "en"), []string{"museums", "heritage"},
		[]models.Offer{o("curation", 4), o("collection-management", 4), o("provenance-research", 3), o("exhibition-design", 3)},
		[]models.Need{must("computer-vision"), must("image-classification"), nice("metadata-cataloguing"), nice("data-visualisation"), nice("game-design")},
		[]string{"co-creation", "research"}, true, "A regional art museum digitising 40,000 works. We want to tag and link our collection images automatically and open them to the public.", "lab@twenthe.example"},
	{"startup@demo.crossover.eu", "ai", "Pixelsense AI", "startup", "BE", "Flanders", langs("en", "nl", "fr"), []string{"museums", "visual-arts"},
		[]models.Offer{o("computer-vision", 4), o("image-classification", 4), o("object-detection", 3), o("visual-similarity-search", 3)},
		[]models.Need{must("heritage-conservation"), must("curation"), nice("metadata-cataloguing"), nice("3d-reconstruction")},
		[]string{"co-creation", "commission", "research"}, true, "Ghent start-up building visual search for image archives. We need heritage experts to tell us what a good match means to curators.", "hello@pixelsense.example"},
	{"musician@demo.crossover.eu", "cci", "Lena Vogt Studio", "freelancer", "DE", "Berlin", langs("de", "en"), []string{"music"},
		[]models.Offer{o("music-production", 4), o("sound-design", 3), o("electronic-music-production", 4)},
		[]models.Need{must("music-generation"), nice("audio-source-separation"), nice("ai-licensing-ip-literacy"), nice("festival-management")},
		[]string{"co-creation", "workshop"}, true, "Producer and sound artist exploring AI instruments for live performance, looking for a research partner.", "lena@vogt.example"},
	{"broker@demo.crossover.eu", "intermediary", "Creative Hub Eindhoven", "network", "NL", "Noord-Brabant", langs("nl", "en"), []string{"design", "music", "games"},
		[]models.Offer{o("co-creation-facilitation", 4), o("eu-funding-applications", 3), o("project-management", 3)},
		[]models.Need{nice("machine-learning")},
		[]string{"workshop", "mentoring"}, false, "Regional hub that brokers introductions between creative SMEs and AI teams and runs matchmaking events.", "hub@eindhoven.example"},
	{"", "ai", "Sonarai Labs", "startup", "SE", "Stockholm", langs("sv", "en"), []string{"music"},
		[]models.Offer{o("music-generation", 4), o("audio-source-separation", 4), o("music-information-retrieval", 3)},
		[]models.Need{must("music-production"), nice("music-licensing")},
		[]string{"co-creation", "research"}, true, "Generative audio models trained on licensed stems; we need producers to shape tools artists want.", "team@sonarai.example"},
	{"", "ai", "Lingua Ex Machina", "sme", "FR", "Île-de-France", langs("fr", "en"), []string{"publishing", "translation"},
		[]models.Offer{o("machine-translation", 4), o("natural-language-processing", 4), o("text-summarisation", 3)},
		[]models.Need{must("literary-translation"), nice("book-editing")},
		[]string{"commission", "co-creation"}, true, "NLP company adapting translation models to literary style with publishers.", "contact@lem.example"},
	{"", "cci", "Éditions du Phare", "sme", "FR", "Bretagne", langs("fr"), []string{"publishing", "literature"},
		[]models.Offer{o("book-editing", 4), o("literary-translation", 3), o("publishing", 4)},
		[]models.Need{must("machine-translation"), nice("text-summarisation")},
		[]string{"commission"}, false, "Independent publisher of translated fiction, testing AI-assisted first drafts.", "phare@editions.example"},
	{"", "cci", "Kinokraft Film", "sme", "AT", "Wien", langs("de", "en"), []string{"film", "audiovisual"},
		[]models.Offer{o("film-editing", 4), o("colour-grading", 3), o("documentary-making", 4)},
		[]models.Need{must("video-analysis"), nice("speech-recognition"), nice("subtitling")},
		[]string{"co-creation", "commission"}, true, "Documentary studio with 2,000 hours of rushes; looking for AI to index and search footage.", "info@kinokraft.example"},
	{"", "ai", "Frameworks Vision", "startup", "AT", "Wien", langs("de", "en"), []string{"film"},
		[]models.Offer{o("video-analysis", 4), o("speech-recognition", 3), o("semantic-search", 3)},
		[]models.Need{must("film-editing"), nice("documentary-making")},
		[]string{"co-creation", "research"}, true, "Video understanding for editors: scene search, transcripts and shot matching.", "hi@frameworks.example"},
	{"", "cci", "Teatro Circolo", "ngo", "IT", "Lombardia", langs("it", "en"), []string{"performing-arts"},
		[]models.Offer{o("theatre-directing", 4), o("stage-management", 3), o("dramaturgy", 3)},
		[]models.Need{must("interactive-systems"), nice("speech-synthesis")},
		[]string{"co-creation", "workshop"}, false, "Theatre company creating a play with an AI character that improvises with the audience.", "circolo@teatro.example"},
	{"", "ai", "Nodo Interattivo", "sme", "IT", "Piemonte", langs("it", "en"), []string{"performing-arts", "games"},
		[]models.Offer{o("interactive-systems", 4), o("speech-synthesis", 3), o("ai-agents", 3)},
		[]models.Need{must("theatre-directing"), nice("narrative-design")},
		[]string{"co-creation"}, true, "Interactive AI systems for live shows and installations.", "ciao@nodo.example"},
	{"", "cci", "Pixel Forge Games", "sme", "PL", "Mazowieckie", langs("pl", "en"), []string{"games"},
		[]models.Offer{o("game-design", 4), o("level-design", 3), o("narrative-design", 3)},
		[]models.Need{must("game-ai-programming"), nice("text-generation"), nice("curation")},
		[]string{"commission", "co-creation"}, true, "Indie studio exploring AI-driven non-player characters with believable dialogue.", "studio@pixelforge.example"},
	{"", "ai", "Dialogic Minds", "startup", "PL", "Małopolskie", langs("pl", "en"), []string{"games"},
		[]models.Offer{o("game-ai-programming", 4), o("text-generation", 4), o("llm-applications", 3)},
		[]models.Need{must("game-design"), nice("narrative-design")},
		[]string{"co-creation", "research"}, true, "LLM-based dialogue systems for games, with guardrails and writer tools.", "team@dialogic.example"},
	{"", "cci", "Archivo Sonoro del Sur", "public_institution", "ES", "Andalucía", langs("es", "en"), []string{"archives-libraries", "music", "heritage"},
		[]models.Offer{o("audiovisual-archiving", 4), o("metadata-cataloguing", 4), o("intangible-heritage", 3)},
		[]models.Need{must("audio-classification"), must("speech-recognition"), nice("music-information-retrieval")},
		[]string{"research", "co-creation"}, false, "Sound archive of flamenco and oral history recordings, 60,000 tapes digitised.", "archivo@sur.example"},
	{"", "ai", "Ritmo Analytics", "sme", "ES", "Madrid", langs("es", "en"), []string{"music"},
		[]models.Offer{o("audio-classification", 4), o("music-information-retrieval", 4), o("speech-recognition", 3)},
		[]models.Need{must("audiovisual-archiving"), nice("intangible-heritage")},
		[]string{"research", "commission"}, true, "Audio AI for archives and broadcasters: tagging, transcription, rights metadata.", "hola@ritmo.example"},
	{"", "cci", "Atelier Noor", "freelancer", "BE", "Brussels", langs("fr", "nl", "en"), []string{"fashion", "design"},
		[]models.Offer{o("fashion-design", 4), o("textile-design", 3), o("sustainable-fashion", 3)},
		[]models.Need{must("image-generation"), nice("3d-generation")},
		[]string{"co-creation"}, true, "Fashion designer prototyping collections with generative tools, focused on sustainable textiles.", "noor@atelier.example"},
	{"", "ai", "Genmode Studio", "startup", "NL", "Noord-Holland", langs("nl", "en"), []string{"fashion", "design"},
		[]models.Offer{o("image-generation", 4), o("3d-generation", 3), o("diffusion-models", 4)},
		[]models.Need{must("fashion-design"), nice("textile-design")},
		[]string{"co-creation", "commission"}, true, "Generative design tools for fashion houses, trained with designers, not on them.", "hey@genmode.example"},
	{"", "cci", "Baltic Heritage Trust", "ngo", "EE", "Harjumaa", langs("et", "en", "fi"), []string{"heritage", "architecture"},
		[]models.Offer{o("built-heritage-conservation", 4), o("3d-scanning", 3)},
		[]models.Need{must("3d-reconstruction"), nice("computer-vision")},
		[]string{"research"}, false, "Conserving wooden architecture; we scan buildings and need AI to reconstruct damaged parts.", "trust@baltic.example"},
	{"", "ai", "Meshmind", "startup", "FI", "Uusimaa", langs("fi", "en"), []string{"architecture", "heritage"},
		[]models.Offer{o("3d-reconstruction", 4), o("computer-vision", 3)},
		[]models.Need{must("built-heritage-conservation"), nice("architectural-design"), nice("visual-similarity-search")},
		[]string{"research", "co-creation"}, true, "Neural 3D reconstruction from photos and scans.", "info@meshmind.example"},
	{"", "intermediary", "Lorentz Matchmakers (demo)", "network", "NL", "Zuid-Holland", langs("nl", "en"), []string{"heritage", "museums"},
		[]models.Offer{o("co-creation-facilitation", 4), o("grant-writing", 3)},
		nil, []string{"workshop", "research"}, false, "Demo intermediary that runs interdisciplinary workshops for heritage and AI researchers.", "demo@lorentz.example"},
}

// ApplyDemo adds the demo logins and actors. Every demo actor has an owner who can sign in and
// answer requests: the five DemoLogins own theirs, and each other demo profile has a login of its
// own, DemoEmail(name) with DemoPassword, so that every suggestion in the demo can be requested
// and answered. It is idempotent: accounts and actors that exist are kept, and a demo actor left
// without an owner by an earlier version is given its login.
func ApplyDemo(ctx context.Context, store *models.Store) error {
	owners := map[string]string{}
	for _, l := range DemoLogins {
		id, err := demoUser(ctx, store, l.Email, displayName(l), l.Role)
		if err != nil {
			return err
		}
		owners[l.Email] = id
	}
	existing, err := store.ActorNamesBySource(ctx, "demo")
	if err != nil {
		return err
	}
	for _, d := range append(demoActors[:len(demoActors):len(demoActors)], moreDemoActors...) {
		login := d.login
		if login == "" {
			login = DemoEmail(d.name)
			id, err := demoUser(ctx, store, login, d.name, models.RoleMember)
			if err != nil {
				return err
			}
			owners[login] = id
		}
		owner := owners[login]
		if existing[d.name] {
			if err := store.AdoptActor(ctx, "demo", d.name, owner); err != nil {
				return fmt.Errorf("demo actor %s: %w", d.name, err)
			}
			continue
		}
		a := &models.Actor{Kind: d.kind, Name: d.name, OrgType: d.orgType, Country: d.country, Region: d.region,
			Remote: d.remote, Available: true, Capacity: 5, Bio: d.bio, ContactEmail: d.email, Source: "demo",
			OwnerID: &owner, Languages: d.langs, Sectors: d.sectors, Offers: d.offers, Needs: d.needs, Modes: d.modes}
		if a.Needs == nil {
			a.Needs = []models.Need{}
		}
		if err := store.ImportActor(ctx, a, Codes{}); err != nil {
			return fmt.Errorf("demo actor %s: %w", d.name, err)
		}
	}
	return nil
}

// demoUser returns the id of the demo account with that e-mail, creating it (and giving it the
// role) when needed.
func demoUser(ctx context.Context, store *models.Store, email, name, role string) (string, error) {
	u, err := store.UserByEmail(ctx, email)
	if errors.Is(err, models.ErrNotFound) {
		accept := true
		u, err = store.Register(ctx, models.Registration{Email: email, Password: DemoPassword, DisplayName: name, AcceptTerms: &accept, IP: "seed"})
	}
	if err != nil {
		return "", fmt.Errorf("demo login %s: %w", email, err)
	}
	if u.Role != role {
		if _, err := store.SetRole(ctx, nil, u.ID, role, "seed"); err != nil {
			return "", err
		}
	}
	return u.ID, nil
}

// DemoEmail is the login of a demo profile that none of the DemoLogins owns: its name in lower
// case ASCII, words joined by dots, at demo.crossover.eu ("Sonarai Labs" → sonarai.labs@demo.crossover.eu).
func DemoEmail(name string) string {
	folded, _, _ := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn))), strings.ToLower(name))
	words := strings.FieldsFunc(folded, func(r rune) bool { return (r < 'a' || r > 'z') && (r < '0' || r > '9') })
	return strings.Join(words, ".") + "@demo.crossover.eu"
}

func displayName(l DemoLogin) string {
	if l.Actor != "" {
		return l.Actor
	}
	return "Demo admin"
}
