// Package matching is Crossover's partner-ranking engine: reciprocal, explainable scoring over an
// in-memory index of actors, with exposure control on top of an exact top-k.
// It uses the standard library only: no database, no echo, nothing else of ours, no globals.
package matching
