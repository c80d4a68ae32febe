//go:build !linux

package matching

import "time"

func threadCPU() time.Duration { return -1 }

func processCPU() time.Duration { return -1 }
