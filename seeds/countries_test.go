package seeds

import "testing"

func TestCountries(t *testing.T) {
	for _, c := range []string{"NL", "FR", "IE", "GB", "US", "XK", "UA"} {
		if !ValidCountry(c) {
			t.Errorf("ValidCountry(%q) = false", c)
		}
	}
	for _, c := range []string{"", "nl", "EU", "UK", "ZZ", "NLD"} {
		if ValidCountry(c) {
			t.Errorf("ValidCountry(%q) = true", c)
		}
	}
	if n := len(iso3166Alpha2); n != 249 {
		t.Errorf("ISO 3166-1 table has %d codes, want 249", n)
	}
	eu, ok := CountrySet("EU27")
	if !ok || len(eu) != 27 {
		t.Fatalf("EU27 = %v, %v", eu, ok)
	}
	for _, name := range CountrySetNames() {
		set, _ := CountrySet(name)
		seen := map[string]bool{}
		for _, c := range set {
			if !ValidCountry(c) || seen[c] {
				t.Errorf("set %s: bad or repeated code %q", name, c)
			}
			seen[c] = true
		}
	}
	if set, _ := CountrySet("CREATIVE_EUROPE"); len(set) <= 27 {
		t.Errorf("CREATIVE_EUROPE has %d countries", len(set))
	}
	if _, ok := CountrySet("NOWHERE"); ok {
		t.Error("unknown set accepted")
	}
}

func TestLanguages(t *testing.T) {
	for _, l := range []string{"en", "nl", "fr", "de", "ga", "mt", "eu", "uk"} {
		if !ValidLanguage(l) {
			t.Errorf("ValidLanguage(%q) = false", l)
		}
	}
	for _, l := range []string{"", "EN", "eng", "xx", "zz"} {
		if ValidLanguage(l) {
			t.Errorf("ValidLanguage(%q) = true", l)
		}
	}
	if n := len(iso639Alpha2); n < 183 {
		t.Errorf("ISO 639-1 table has %d codes", n)
	}
}
