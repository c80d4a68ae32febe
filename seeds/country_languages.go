package seeds

// countryLanguages are the languages people in a country commonly work in (ISO 639-1), the
// national ones first. They give directory entries and synthetic actors languages that fit their
// country; English is added where it is not listed.
var countryLanguages = map[string][]string{
	"AT": {"de"}, "BE": {"nl", "fr", "de"}, "BG": {"bg"}, "CY": {"el", "tr"}, "CZ": {"cs"}, "DE": {"de"},
	"DK": {"da"}, "EE": {"et", "ru"}, "ES": {"es", "ca", "eu", "gl"}, "FI": {"fi", "sv"}, "FR": {"fr"},
	"GR": {"el"}, "HR": {"hr"}, "HU": {"hu"}, "IE": {"en", "ga"}, "IT": {"it"}, "LT": {"lt"},
	"LU": {"lb", "fr", "de"}, "LV": {"lv", "ru"}, "MT": {"mt", "en"}, "NL": {"nl"}, "PL": {"pl"},
	"PT": {"pt"}, "RO": {"ro", "hu"}, "SE": {"sv"}, "SI": {"sl"}, "SK": {"sk", "hu"},
	"NO": {"no", "nb", "nn"}, "IS": {"is"}, "CH": {"de", "fr", "it"}, "GB": {"en"}, "RS": {"sr"},
	"UA": {"uk", "ru"}, "AL": {"sq"}, "BA": {"bs", "hr", "sr"}, "ME": {"sr"}, "MK": {"mk", "sq"},
	"GE": {"ka"}, "TN": {"ar", "fr"}, "XK": {"sq", "sr"}, "US": {"en"}, "TR": {"tr"}, "IL": {"he"},
}

// LanguagesOf returns the languages of a country followed by English ("en" alone when unknown).
func LanguagesOf(country string) []string {
	out := append([]string{}, countryLanguages[country]...)
	for _, l := range out {
		if l == "en" {
			return out
		}
	}
	return append(out, "en")
}
