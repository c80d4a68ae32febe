package seeds

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
)

// NACEVersion2 marks codes of NACE Rev. 2 (Regulation (EC) 1893/2006). NACE Rev. 2.1
// renumbers several cultural classes; a mapping can be added beside these.
const NACEVersion2 = "2"

// Where a sector's place in the list comes from.
const (
	BasisRegulation = "reg-2021-818"   // named in Regulation (EU) 2021/818 Art. 2(1)
	BasisESSnet     = "essnet-culture" // an ESSnet-Culture / Eurostat domain
	BasisPlatform   = "platform"       // added because users look for it
)

// Sector is a cultural and creative sector with its NACE classes. Parent is set for a
// sector that narrows another (film, television and games under audiovisual).
type Sector struct {
	Slug        string   `json:"slug"`
	Label       string   `json:"label"`
	NACE        []string `json:"nace"`
	NACEVersion string   `json:"nace_version"`
	Parent      string   `json:"parent,omitempty"`
	Basis       string   `json:"basis"`
	Note        string   `json:"note,omitempty"`
}

var naceRe = regexp.MustCompile(`^[0-9]{2}(\.[0-9]{1,2})?$`)

// Sectors returns the CCI sectors: the thirteen of Regulation (EU) 2021/818 Art. 2(1)
// (split where users think in narrower terms: museums apart from archives and libraries,
// film, television and games under audiovisual, fashion under design) plus news media,
// advertising, translation and cultural education.
func Sectors() ([]Sector, error) {
	var file struct {
		Source  string   `json:"_source"`
		Sectors []Sector `json:"sectors"`
	}
	if err := decodeData("data/sectors.json", &file); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i := range file.Sectors {
		s := &file.Sectors[i]
		if s.NACEVersion == "" {
			s.NACEVersion = NACEVersion2
		}
		switch {
		case !ValidSlug(s.Slug):
			return nil, fmt.Errorf("data/sectors.json: sector %d: slug %q is not kebab-case", i, s.Slug)
		case seen[s.Slug]:
			return nil, fmt.Errorf("data/sectors.json: duplicate sector %q", s.Slug)
		case s.Label == "":
			return nil, fmt.Errorf("data/sectors.json: sector %s has no label", s.Slug)
		case len(s.NACE) == 0:
			return nil, fmt.Errorf("data/sectors.json: sector %s has no NACE code", s.Slug)
		case s.Basis != BasisRegulation && s.Basis != BasisESSnet && s.Basis != BasisPlatform:
			return nil, fmt.Errorf("data/sectors.json: sector %s: unknown basis %q", s.Slug, s.Basis)
		}
		for _, c := range s.NACE {
			if !naceRe.MatchString(c) {
				return nil, fmt.Errorf("data/sectors.json: sector %s: %q is not a NACE division, group or class", s.Slug, c)
			}
		}
		seen[s.Slug] = true
	}
	for _, s := range file.Sectors {
		if s.Parent != "" && !seen[s.Parent] {
			return nil, fmt.Errorf("data/sectors.json: sector %s: parent %q does not exist", s.Slug, s.Parent)
		}
	}
	return file.Sectors, nil
}

// decodeData decodes an embedded JSON file strictly: an unknown field is an error, so
// a typo in the data does not silently drop a fact.
func decodeData(name string, v any) error {
	b, err := dataFS.ReadFile(name)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
