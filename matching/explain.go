package matching

import "strings"

// Reason codes.
const (
	CodeNeedExact     = "need_met_exact"    // an offer of the very skill needed
	CodeNeedBroader   = "need_met_broader"  // an offer of the needed skill's parent
	CodeNeedNarrower  = "need_met_narrower" // an offer of a specialisation of the needed skill
	CodeNeedSibling   = "need_met_sibling"  // an offer of a neighbouring skill (same parent)
	CodeNeedUnmet     = "need_unmet"        // nothing offered comes near this need
	CodeNoNeeds       = "no_needs"          // the side declared no needs
	CodeLanguages     = "shared_languages"  // languages both work in
	CodeSector        = "shared_sector"     // sectors both work in
	CodeSameCountry   = "same_country"      // same country
	CodeSameRegion    = "same_region"       // same region
	CodeModes         = "shared_modes"      // collaboration modes in common
	CodeRemote        = "remote_ok"         // different countries, both open to remote work
	CodeDifferentArea = "no_remote_overlap" // different countries and not both open to remote work
)

var levelNames = [4]string{"awareness", "working", "advanced", "expert"}

// explain lists the reasons behind b's score for a: every need on both sides with the offer
// that best covers it, then what they share.
func (ix *Index) explain(a, b *slot) []Reason {
	rs := make([]Reason, 0, int(a.nNeed)+int(b.nNeed)+5)
	rs = ix.needReasons(rs, a.needs(), b.offers(), TheyBring)
	rs = ix.needReasons(rs, b.needs(), a.offers(), YouBring)

	if l := shared(a.langIDs(), b.langIDs()); len(l) > 0 {
		names := ix.names(ix.langNames, l)
		rs = append(rs, Reason{Code: CodeLanguages, Direction: Both,
			Message: "You can work together in " + strings.Join(names, ", ") + "."})
	}
	if l := shared(a.sectorIDs(), b.sectorIDs()); len(l) > 0 {
		names := ix.names(ix.sectorNames, l)
		rs = append(rs, Reason{Code: CodeSector, Direction: Both,
			Message: "You both work in " + strings.Join(names, ", ") + "."})
	}
	sameCountry := a.country != 0 && a.country == b.country
	if sameCountry {
		if a.region >= 0 && a.region == b.region {
			rs = append(rs, Reason{Code: CodeSameRegion, Direction: Both, Message: "You are in the same region."})
		} else {
			rs = append(rs, Reason{Code: CodeSameCountry, Direction: Both, Message: "You are in the same country."})
		}
	}
	if l := shared(a.modeIDs(), b.modeIDs()); len(l) > 0 {
		names := ix.names(ix.modeNames, l)
		rs = append(rs, Reason{Code: CodeModes, Direction: Both,
			Message: "You are both open to " + strings.Join(names, ", ") + "."})
	}
	if !sameCountry {
		if a.is(flagRemote) && b.is(flagRemote) {
			rs = append(rs, Reason{Code: CodeRemote, Direction: Both, Message: "You are in different places but both open to remote work."})
		} else {
			rs = append(rs, Reason{Code: CodeDifferentArea, Direction: Both, Message: "You are in different places and not both open to remote work."})
		}
	}
	return rs
}

func (ix *Index) names(all []string, ids []uint32) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if int(id) < len(all) {
			out = append(out, label(all[id]))
		}
	}
	return out
}

func (ix *Index) needReasons(rs []Reason, needs, offers []uint32, dir string) []Reason {
	they, their := "They", "you"
	if dir == YouBring {
		they, their = "You", "they"
	}
	if len(needs) == 0 {
		msg := "You have not listed any needs, so their fit for you is not assessed."
		if dir == YouBring {
			msg = "They have not listed any needs, so your fit for them is not assessed."
		}
		return append(rs, Reason{Code: CodeNoNeeds, Direction: dir, Message: msg})
	}
	for _, n := range needs {
		node := int32(n >> 1)
		importance := "nice to have"
		if n&1 == 1 {
			importance = "a must"
		}
		need := ix.tree.slugs[node]
		best, bestV := -1, 0.0
		for i, o := range offers {
			if v := ix.tree.sim(node, int32(o>>2)) * levelFactor[o&3]; v > bestV {
				best, bestV = i, v
			}
		}
		if best < 0 {
			msg := "Your need for " + label(need) + " (" + importance + ") is not covered by their offers."
			if dir == YouBring {
				msg = "Their need for " + label(need) + " (" + importance + ") is not covered by your offers."
			}
			rs = append(rs, Reason{Code: CodeNeedUnmet, Direction: dir, Need: need, Message: msg})
			continue
		}
		o := offers[best]
		onode := int32(o >> 2)
		offer := ix.tree.slugs[onode]
		lvl := int(o&3) + 1
		r := Reason{Direction: dir, Need: need, Offer: offer, Level: lvl}
		switch ix.tree.rel(node, onode) {
		case relExact:
			r.Code = CodeNeedExact
			r.Message = they + " offer " + label(offer) + " at " + levelNames[lvl-1] + " level, which " + their + " need (" + importance + ")."
		case relBroader:
			r.Code, r.Via = CodeNeedBroader, offer
			r.Message = they + " offer " + label(offer) + " at " + levelNames[lvl-1] + " level, the broader field of " + label(need) + ", which " + their + " need (" + importance + ")."
		case relNarrower:
			r.Code, r.Via = CodeNeedNarrower, need
			r.Message = they + " offer " + label(offer) + " at " + levelNames[lvl-1] + " level, a specialisation of " + label(need) + ", which " + their + " need (" + importance + ")."
		default:
			parent := ix.tree.slugs[ix.tree.parent[node]]
			r.Code, r.Via = CodeNeedSibling, parent
			r.Message = they + " offer " + label(offer) + " at " + levelNames[lvl-1] + " level, close to " + label(need) + " (both under " + label(parent) + "), which " + their + " need (" + importance + ")."
		}
		rs = append(rs, r)
	}
	return rs
}
