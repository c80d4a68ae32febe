//go:build !unix

package loadtest

import "time"

// ownCPU is not measured here: the generator's CPU per request reads 0.
func ownCPU() time.Duration { return 0 }
