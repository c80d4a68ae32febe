package matching

import (
	"bytes"
	"encoding/hex"
	"slices"
)

// idTable maps actor IDs to slots and back in about 60 bytes an actor instead of about 120 for
// a string slice and a string map (measured with 1M UUIDs): an ID that is a canonical lowercase
// UUID, as the platform issues them, is kept as its 16 bytes; any other string (tests, imports
// of other systems' IDs) as itself.
type idTable struct {
	keys  []uuidKey // by slot; the zero key for a free slot or one whose ID is in other
	other map[int32]string
	byKey map[uuidKey]int32
	byStr map[string]int32
}

type uuidKey [16]byte

// parseUUID reads a canonical lowercase UUID (8-4-4-4-12 hex digits); formatUUID gives the same
// string back, so the key stands for exactly that ID.
func parseUUID(id string) (k uuidKey, ok bool) {
	if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' {
		return k, false
	}
	j := 0
	for i := 0; i < 36; i += 2 {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i--
			continue
		}
		hi, ok1 := lowerHex(id[i])
		lo, ok2 := lowerHex(id[i+1])
		if !ok1 || !ok2 {
			return k, false
		}
		k[j] = hi<<4 | lo
		j++
	}
	return k, true
}

func lowerHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

func formatUUID(k uuidKey) string {
	var b [36]byte
	hex.Encode(b[0:8], k[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], k[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], k[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], k[8:10])
	b[23] = '-'
	hex.Encode(b[24:36], k[10:16])
	return string(b[:])
}

func (t *idTable) len() int { return len(t.byKey) + len(t.byStr) }

func (t *idTable) slot(id string) (int32, bool) {
	if k, ok := parseUUID(id); ok {
		s, found := t.byKey[k]
		return s, found
	}
	s, found := t.byStr[id]
	return s, found
}

// id is the ID of slot s, a slot in use.
func (t *idTable) id(s int32) string {
	if id, ok := t.other[s]; ok {
		return id
	}
	return formatUUID(t.keys[s])
}

// reserve makes room for n more IDs in the slot array. The map grows by itself: Go's maps grow
// table by table, and one sized for 1M at once took 45 MB where grown it took 32.
func (t *idTable) reserve(n int) { t.keys = slices.Grow(t.keys, n) }

// set gives slot s the ID id; s is at most one past the last slot.
func (t *idTable) set(s int32, id string) {
	if int(s) == len(t.keys) {
		t.keys = append(t.keys, uuidKey{})
	}
	if k, ok := parseUUID(id); ok {
		if t.byKey == nil {
			t.byKey = make(map[uuidKey]int32)
		}
		t.keys[s] = k
		t.byKey[k] = s
		return
	}
	if t.byStr == nil {
		t.byStr, t.other = make(map[string]int32), make(map[int32]string)
	}
	t.keys[s] = uuidKey{}
	t.byStr[id] = s
	t.other[s] = id
}

// drop frees slot s, whose ID is id.
func (t *idTable) drop(s int32, id string) {
	if k, ok := parseUUID(id); ok {
		delete(t.byKey, k)
	} else {
		delete(t.byStr, id)
		delete(t.other, s)
	}
	t.keys[s] = uuidKey{}
}

// less orders slots by ID as strings compare: for canonical lowercase UUIDs the bytes compare
// the same way (hex digits in order, '0'-'9' below 'a'-'f', dashes in the same places).
func (t *idTable) less(x, y int32) bool {
	if len(t.other) > 0 {
		_, ox := t.other[x]
		_, oy := t.other[y]
		if ox || oy {
			return t.id(x) < t.id(y)
		}
	}
	return bytes.Compare(t.keys[x][:], t.keys[y][:]) < 0
}

func (t *idTable) trim() { t.keys = clip(t.keys) }
