//go:build !linux

package matching

import "time"

func threadCPU() time.Duration { return -1 }
