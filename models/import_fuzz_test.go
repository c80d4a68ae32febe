package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/crossover-cci/crossover/models"
	"github.com/crossover-cci/crossover/seeds"
)

// FuzzImportCSV feeds arbitrary files and mappings to the CSV import, as a real run on one SQLite (or
// PostgreSQL) database for the whole fuzz run. Whatever the input: no panic; the answer is a report,
// an *ImportFileError (not CSV) or a *ValidationError (the mapping does not fit the header); a
// rejected file writes nothing, and a report's count of imported rows is exactly what was written —
// never a half-applied file.
func FuzzImportCSV(f *testing.F) {
	for _, seed := range []struct{ body, mapping string }{
		{"name,kind,org_type,country,languages,offers,needs\nMuseum,cci,public_institution,NL,nl;en,Curation:4,Computer vision:must\n", ""},
		{"\ufeffOrg,Soort,Vorm,Land,Talen\nA,ai,startup,BE,fr|en\nB,robot,sme,XX,zz\n\n", "name=Org;kind=Soort;org_type=Vorm;country=Land;languages=Talen"},
		{"name,kind,org_type,country,languages,remote,capacity,website\nX,cci,sme,FR,fr,perhaps,lots,javascript:alert(1)\n", ""},
		{"name,kind,org_type,country,languages\n\"Unclosed,cci,sme,NL,en\n", ""},
		{"name,kind,org_type,country,languages\nShort,cci\n", ""},
		{"", ""}, {"\n\n\n", ""}, {"a,a,a\n1,2,3\n", "name=a;kind=a;org_type=a;country=a;languages=a"},
		{"name,kind,org_type,country,languages,offers\nQ,ai,sme,DE,de,:;|::9;generative-ai:0\n", "owner_id=name"},
	} {
		f.Add(seed.body, seed.mapping)
	}
	s, owner := importStore(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body, mapping string) {
		m := models.ImportMapping{}
		for _, kv := range strings.Split(mapping, ";") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				m[k] = v
			}
		}
		before := countImported(t, s)
		rep, err := s.ImportActorsCSV(ctx, strings.NewReader(body), models.ImportOptions{OwnerID: owner, Mapping: m, BatchSize: 3, Codes: seeds.Codes{}})
		after := countImported(t, s)
		var fe *models.ImportFileError
		var ve *models.ValidationError
		switch {
		case err == nil:
			if rep == nil || after-before != rep.Imported || rep.Imported != rep.Valid || rep.Valid+rep.Invalid != rep.Rows || len(rep.ActorIDs) != rep.Imported {
				t.Fatalf("report %+v, %d rows written", rep, after-before)
			}
			if len(rep.InvalidRows) != rep.Invalid || (rep.Invalid > 0) != (len(rep.Errors) > 0) {
				t.Fatalf("invalid rows %v, errors %v", rep.InvalidRows, rep.Errors)
			}
		case errors.As(err, &fe), errors.As(err, &ve):
			if rep != nil || after != before {
				t.Fatalf("rejected file (%v) wrote %d rows", err, after-before)
			}
		default:
			t.Fatalf("unexpected error %T: %v", err, err)
		}
	})
}
