// Package seeds holds Crossover's reference data (skills taxonomy, CCI sectors, funding
// instruments, directory of intermediaries), the ESCO importer and the synthetic generator.
// It writes through models only; it must not import echo or api.
package seeds
