package models

import (
	"fmt"
	"testing"
)

func TestPartitionCellsSecondarySuppression(t *testing.T) {
	show := func(cs []StatCell) string {
		out := ""
		for _, c := range cs {
			out += c.String() + " "
		}
		return out
	}
	for _, tc := range []struct {
		in   []int64
		want string
	}{
		{[]int64{10, 20, 30}, "10 20 30 "},
		{[]int64{3, 7, 21}, "suppressed suppressed 21 "},               // 3 alone would be 31 − 7 − 21
		{[]int64{3, 4, 21}, "suppressed suppressed 21 "},               // two small ones hold 7 ≥ 5
		{[]int64{1, 1, 9, 30}, "suppressed suppressed suppressed 30 "}, // 1 + 1 < 5: one more
		{[]int64{0, 2, 8}, "0 suppressed suppressed "},
		{[]int64{0, 0, 4}, "0 0 suppressed "}, // nothing else to hide with: the total gives it away (its caller knows)
	} {
		if got := show(partitionCells(tc.in)); got != tc.want {
			t.Errorf("partitionCells(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if fmt.Sprint(cell(0, 0).Suppressed, cell(4, 4).Suppressed, cell(5, 5).Suppressed) != "false true false" {
		t.Error("cell: 0 shown, 1-4 suppressed, 5 shown")
	}
}
