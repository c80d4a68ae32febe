package matching

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// syntheticTree is a plausible three-level skills tree: domain, field, skill.
var syntheticTree = []struct {
	domain, root string
	fields       []string // "field: skill skill ..."
}{
	{"ai", "artificial-intelligence", []string{
		"machine-learning: supervised-learning unsupervised-learning reinforcement-learning deep-learning transfer-learning federated-learning active-learning model-evaluation feature-engineering automl time-series-forecasting",
		"computer-vision: image-classification object-detection image-segmentation pose-estimation video-analysis 3d-reconstruction optical-character-recognition image-restoration style-transfer face-analysis",
		"natural-language-processing: text-classification named-entity-recognition machine-translation summarisation sentiment-analysis speech-recognition text-to-speech question-answering information-extraction topic-modelling",
		"generative-ai: image-generation text-generation music-generation video-generation voice-cloning 3d-asset-generation prompt-engineering diffusion-models large-language-models fine-tuning",
		"audio-ai: music-information-retrieval source-separation audio-fingerprinting audio-classification sound-synthesis spatial-audio-ai audio-restoration beat-tracking",
		"recommender-systems: collaborative-filtering content-based-filtering audience-analytics personalisation search-ranking knowledge-graphs metadata-enrichment semantic-search",
		"data-engineering: data-pipelines data-annotation data-governance mlops cloud-infrastructure edge-ai gpu-computing dataset-curation",
		"responsible-ai: ai-ethics bias-auditing explainability ai-act-compliance copyright-and-ai privacy-engineering content-provenance watermarking",
		"interactive-ai: human-computer-interaction conversational-agents robotics computer-graphics game-ai extended-reality-ai gesture-recognition affective-computing",
		"ai-for-heritage: handwriting-recognition artefact-classification 3d-scanning damage-detection provenance-linking archive-search",
		"creative-ai-tools: generative-design procedural-generation ai-assisted-editing upscaling colourisation lip-sync motion-synthesis",
		"speech-and-voice: voice-synthesis speaker-recognition dubbing-ai subtitling-ai audio-description",
		"scientific-ml: simulation surrogate-models optimisation anomaly-detection causal-inference",
	}},
	{"cci", "cultural-and-creative", []string{
		"music: composition music-production sound-design live-performance music-publishing audio-mastering orchestration music-education songwriting",
		"film-and-video: screenwriting directing cinematography film-editing visual-effects animation documentary-production colour-grading post-production",
		"museums-and-heritage: curation collection-management digitisation conservation exhibition-design archival-science cultural-mediation provenance-research",
		"performing-arts: theatre-directing choreography stage-design lighting-design dance acting circus-arts opera-production",
		"visual-arts: painting sculpture photography illustration installation-art printmaking digital-art art-criticism",
		"publishing: editing literary-translation creative-writing book-design journalism comics audiobook-production rights-management",
		"design: graphic-design product-design fashion-design interior-design ux-design typography textile-design service-design",
		"games: game-design level-design narrative-design game-art interactive-storytelling playtesting game-audio vr-experience-design",
		"architecture-and-crafts: architecture urban-design crafts jewellery ceramics woodworking heritage-restoration landscape-architecture",
		"media-and-broadcasting: broadcasting podcasting radio-production advertising content-strategy social-media-management creative-marketing public-relations",
		"cultural-management: arts-administration festival-management venue-management programming audience-research arts-fundraising",
		"audiovisual-production: sound-recording location-management production-design costume-design makeup-effects casting",
		"literature-and-language: poetry oral-storytelling dubbing subtitling localisation",
		"libraries-and-archives: cataloguing metadata-standards digital-preservation rights-clearance open-access",
	}},
	{"transversal", "transversal-skills", []string{
		"project-management: agile-methods budgeting grant-writing consortium-building impact-evaluation",
		"business: business-development intellectual-property licensing fundraising entrepreneurship pricing-strategy",
		"legal-and-policy: contract-law data-protection cultural-policy eu-funding-rules",
		"education-and-training: teaching curriculum-design mentoring workshop-facilitation",
		"communication: storytelling community-management audience-development public-speaking",
		"research: user-research qualitative-research quantitative-research academic-writing",
		"digital-skills: web-development data-literacy cybersecurity digital-marketing open-source",
		"sustainability: green-production circular-design accessibility inclusion",
	}},
}

// SyntheticTaxonomy returns a plausible three-level skills tree (domain, field, skill) of about
// 280 nodes over the ai, cci and transversal domains, for benchmarks and tests when no real
// taxonomy is at hand. The tree is the same for every seed today; the seed keeps variants
// reproducible should they come.
func SyntheticTaxonomy(seed int64) []Skill {
	_ = seed
	var out []Skill
	for _, d := range syntheticTree {
		out = append(out, Skill{Slug: d.root, Domain: d.domain})
		for _, f := range d.fields {
			name, skills, _ := strings.Cut(f, ":")
			out = append(out, Skill{Slug: name, Parent: d.root, Domain: d.domain})
			for _, s := range strings.Fields(skills) {
				out = append(out, Skill{Slug: s, Parent: name, Domain: d.domain})
			}
		}
	}
	return out
}

// Countries with a rough weight (creative-sector size) and their working languages.
var syntheticCountries = []struct {
	code   string
	weight int
	langs  []string
}{
	{"DE", 16, []string{"de"}}, {"FR", 14, []string{"fr"}}, {"IT", 11, []string{"it"}}, {"ES", 10, []string{"es"}},
	{"NL", 6, []string{"nl"}}, {"PL", 6, []string{"pl"}}, {"BE", 4, []string{"nl", "fr"}}, {"SE", 4, []string{"sv"}},
	{"AT", 3, []string{"de"}}, {"PT", 3, []string{"pt"}}, {"CZ", 3, []string{"cs"}}, {"DK", 2, []string{"da"}},
	{"FI", 2, []string{"fi", "sv"}}, {"IE", 2, []string{"en", "ga"}}, {"GR", 2, []string{"el"}}, {"HU", 2, []string{"hu"}},
	{"RO", 2, []string{"ro"}}, {"EE", 1, []string{"et"}}, {"LT", 1, []string{"lt"}}, {"SI", 1, []string{"sl"}},
	{"HR", 1, []string{"hr"}}, {"LU", 1, []string{"lb", "fr", "de"}}, {"MT", 1, []string{"mt", "en"}},
}

var (
	syntheticSectors = []string{"music", "film", "museums", "performing-arts", "visual-arts", "publishing",
		"design", "games", "architecture", "crafts", "broadcasting", "advertising", "heritage", "fashion"}
	syntheticModes = []string{"co-creation", "commission", "mentoring", "job-exchange", "internship", "workshop", "research"}
	syntheticEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

// SyntheticEpoch is the reference time of Synthetic: actors are created in the two years before it.
func SyntheticEpoch() time.Time { return syntheticEpoch }

// Synthetic returns n deterministic actors (same n, seed and skills: same actors) over the given
// skills (SyntheticTaxonomy(seed) when nil). Half are CCI, 35 % AI, 15 % intermediaries; skill
// popularity follows a Zipf law; AI actors offer AI skills and need CCI knowledge, CCI actors
// the reverse, intermediaries offer transversal skills; languages fit the country, most also
// speak English. About 10 % cannot be matched (unavailable, paused, stale or at capacity) and
// some members own two profiles. IDs are "act-0000001"..., owners "usr-...".
func Synthetic(n int, seed int64, skills []Skill) []Actor {
	if skills == nil {
		skills = SyntheticTaxonomy(seed)
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x63726f73736f7672))
	hasChild := map[string]bool{}
	for _, s := range skills {
		hasChild[s.Parent] = true
	}
	// Per domain: the skills in a seeded popularity order, leaves mostly.
	pools := map[string][]string{}
	for _, s := range skills {
		if s.Parent == "" && hasChild[s.Slug] {
			continue // domain roots are too vague to offer or need
		}
		pools[s.Domain] = append(pools[s.Domain], s.Slug)
	}
	zipfs := map[string]*rand.Zipf{}
	for _, d := range []string{"ai", "cci", "transversal"} {
		p := pools[d]
		if len(p) == 0 {
			continue
		}
		r.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
		zipfs[d] = rand.NewZipf(r, 1.1, 4, uint64(len(p)-1))
	}
	pick := func(domain string) string {
		p := pools[domain]
		if len(p) == 0 {
			for _, d := range []string{"ai", "cci", "transversal"} {
				if len(pools[d]) > 0 {
					return pools[d][r.IntN(len(pools[d]))]
				}
			}
			return "skill"
		}
		return p[zipfs[domain].Uint64()]
	}
	total := 0
	for _, c := range syntheticCountries {
		total += c.weight
	}
	level := func() int { // skewed towards advanced
		return []int{1, 2, 2, 3, 3, 3, 4, 4}[r.IntN(8)]
	}
	actors := make([]Actor, n)
	owner := 0
	for i := range actors {
		a := &actors[i]
		a.ID = fmt.Sprintf("act-%07d", i+1)
		if i == 0 || r.IntN(10) != 0 { // one member in ten has a second profile
			owner++
		}
		a.OwnerID = fmt.Sprintf("usr-%07d", owner)
		var offer, need string
		switch x := r.IntN(100); {
		case x < 50:
			a.Kind, offer, need = KindCCI, "cci", "ai"
		case x < 85:
			a.Kind, offer, need = KindAI, "ai", "cci"
		default:
			a.Kind, offer, need = KindIntermediary, "transversal", ""
		}
		a.Managed = a.Kind == KindCCI && r.IntN(30) == 0

		nOff := 2 + r.IntN(4)
		for range nOff {
			d := offer
			if r.IntN(8) == 0 {
				d = "transversal"
			}
			a.Offers = append(a.Offers, Offer{Skill: pick(d), Level: level()})
		}
		if a.Kind == KindIntermediary {
			a.Offers = append(a.Offers, Offer{Skill: pick([]string{"ai", "cci"}[r.IntN(2)]), Level: level()})
		}
		if r.IntN(20) != 0 {
			nNeed := 1 + r.IntN(3)
			for j := range nNeed {
				d := need
				if d == "" {
					d = []string{"ai", "cci", "transversal"}[r.IntN(3)]
				} else if r.IntN(6) == 0 {
					d = "transversal"
				}
				a.Needs = append(a.Needs, Need{Skill: pick(d), Must: j == 0 || r.IntN(2) == 0})
			}
		}

		w := r.IntN(total)
		c := syntheticCountries[0]
		for _, cc := range syntheticCountries {
			if w < cc.weight {
				c = cc
				break
			}
			w -= cc.weight
		}
		a.Country = c.code
		a.Region = fmt.Sprintf("%s-%d", c.code, 1+r.IntN(5))
		a.Languages = append(a.Languages, c.langs[r.IntN(len(c.langs))])
		if !slices.Contains(a.Languages, "en") && r.IntN(4) != 0 {
			a.Languages = append(a.Languages, "en")
		}
		if r.IntN(8) == 0 {
			a.Languages = append(a.Languages, []string{"fr", "de", "es", "it"}[r.IntN(4)])
		}
		nSec := 1 + r.IntN(2)
		if a.Kind == KindAI {
			nSec = r.IntN(3)
		}
		for range nSec {
			a.Sectors = append(a.Sectors, syntheticSectors[r.IntN(len(syntheticSectors))])
		}
		for range 1 + r.IntN(3) {
			a.Modes = append(a.Modes, syntheticModes[r.IntN(len(syntheticModes))])
		}
		a.Remote = r.IntN(10) < 6
		a.Available = r.IntN(100) >= 4
		a.Paused = r.IntN(100) < 2
		a.Stale = r.IntN(100) < 2
		a.Capacity = 1 + r.IntN(5)
		a.ActiveIntroductions = r.IntN(a.Capacity + 1)
		if r.IntN(3) != 0 && a.ActiveIntroductions == a.Capacity {
			a.ActiveIntroductions-- // keep "at capacity" near 5 %
		}
		a.CreatedAt = syntheticEpoch.Add(-time.Duration(r.Int64N(int64(2 * 365 * 24 * time.Hour))))
	}
	return actors
}

// SyntheticUUID is a canonical UUID for synthetic actor n that sorts as n does, for benchmarks
// and tests that want IDs like the platform's (the index keeps those in 16 bytes).
func SyntheticUUID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }
