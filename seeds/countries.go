package seeds

import (
	"slices"
	"strings"
)

// Named country sets used in eligibility rules. An instrument's Countries list may mix
// ISO 3166-1 alpha-2 codes and these names; the union is what counts.
const (
	SetEU27              = "EU27"
	SetEEA               = "EEA"
	SetCreativeEurope    = "CREATIVE_EUROPE"
	SetCreativeEuropeAV  = "CREATIVE_EUROPE_MEDIA"
	SetHorizonAssociated = "HORIZON_ASSOCIATED"
)

// kosovo is the code the European Commission uses for Kosovo. It is a user-assigned
// code, not an official ISO 3166-1 one, but EU programme lists name Kosovo, so
// ValidCountry accepts it.
const kosovo = "XK"

var eu27 = []string{
	"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
	"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
}

// countrySets holds the sets beyond the EU27. Membership of programme sets changes
// with association agreements: each carries the source it was checked against.
var countrySets = map[string][]string{
	SetEU27: eu27,
	// EU27 plus the EEA EFTA states.
	SetEEA: withEU("IS", "LI", "NO"),
	// Non-EU countries taking part in Creative Europe 2021-2027 in at least one strand,
	// per the Swedish Creative Europe desk's list of third countries (kulturradet.se):
	// full: ME, MK, RS, AL, BA; Culture + Cross-sectoral, MEDIA partly: GE, UA, TN;
	// Culture only: XK. EEA members IS and NO take part throughout. Armenia, Moldova
	// and Liechtenstein were not confirmed in the sources checked: verify against
	// EACEA's "eligibility of organisations from non-EU countries" before relying on them.
	SetCreativeEurope: withEU("IS", "NO", "AL", "BA", "ME", "MK", "RS", "GE", "UA", "TN", kosovo),
	// Countries whose organisations take part fully in the MEDIA strand (same source).
	SetCreativeEuropeAV: withEU("IS", "NO", "AL", "BA", "ME", "MK", "RS"),
	// Countries associated to Horizon Europe, not counting the EU27 (Science|Business,
	// "Horizon Europe goes global", 21 Nov 2024: 20 countries; CA, NZ and KR for Pillar II
	// only, the UK without the EIC Fund). Switzerland's association is not included here.
	SetHorizonAssociated: {"AL", "AM", "BA", "CA", "FO", "GE", "GB", "IL", "IS", "KR", "MD", "ME", "MK", "NO", "NZ", "RS", "TN", "TR", "UA", kosovo},
}

func withEU(extra ...string) []string {
	out := append(slices.Clone(eu27), extra...)
	slices.Sort(out)
	return out
}

// CountrySet returns the ISO codes of a named set (EU27, EEA, CREATIVE_EUROPE,
// CREATIVE_EUROPE_MEDIA, HORIZON_ASSOCIATED), sorted, as a fresh slice.
func CountrySet(name string) ([]string, bool) {
	set, ok := countrySets[strings.ToUpper(name)]
	if !ok {
		return nil, false
	}
	out := slices.Clone(set)
	slices.Sort(out)
	return out, true
}

// CountrySetNames lists the names CountrySet knows, sorted.
func CountrySetNames() []string {
	names := make([]string, 0, len(countrySets))
	for n := range countrySets {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// ValidCountry reports whether code is an ISO 3166-1 alpha-2 code (upper case, as
// stored), or XK, the code EU programmes use for Kosovo.
func ValidCountry(code string) bool {
	if code == kosovo {
		return true
	}
	_, ok := iso3166Alpha2[code]
	return ok
}

// CountryName returns the English short name of a country code, or "" if unknown.
func CountryName(code string) string {
	if code == kosovo {
		return "Kosovo"
	}
	return iso3166Alpha2[code]
}

// ValidLanguage reports whether code is an ISO 639-1 two-letter language code (lower case).
func ValidLanguage(code string) bool {
	_, ok := iso639Alpha2[code]
	return ok
}

// LanguageName returns the English name of an ISO 639-1 code, or "" if unknown.
func LanguageName(code string) string {
	return iso639Alpha2[code]
}
