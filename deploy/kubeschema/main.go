// Command kubeschema writes the JSON schemas that kubeconform checks deploy/k8s against, into the
// directory it is given, as kubeconform's -schema-location '<dir>/{{ .ResourceKind }}{{ .KindSuffix }}.json'.
//
// kubeconform downloads its schemas from GitHub, which the machines Crossover is built on cannot
// reach; the Go module proxy can, and it serves the official sources, checked against the checksum
// database: the OpenAPI v3 documents of every built-in API group in k8s.io/kubernetes
// (api/openapi-spec/v3) and CloudNativePG's CustomResourceDefinitions (config/crd/bases). Both are
// pinned below. The schemas are strict, as kubeconform's own "-strict" ones are: an object that
// lists its properties rejects any other (kubeconform's -strict flag only picks such files).
//
//	go run ./deploy/kubeschema DIR
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

const (
	// kubernetesModule is the release whose OpenAPI v3 gives the built-in kinds.
	kubernetesModule = "k8s.io/kubernetes@v1.37.2"
	// cnpgModule is the CloudNativePG release whose CRDs give postgresql.cnpg.io (Cluster, ...).
	cnpgModule = "github.com/cloudnative-pg/cloudnative-pg@v1.28.1"
	// kubeconformCmd is the validator the test runs (the Makefile names the same version).
	kubeconformCmd = "github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0"
)

// schemaLocation is kubeconform's -schema-location for a directory written by this command.
func schemaLocation(dir string) string {
	return filepath.Join(dir, "{{ .ResourceKind }}{{ .KindSuffix }}.json")
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./deploy/kubeschema DIR")
		os.Exit(2)
	}
	n, err := write(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "kubeschema:", err)
		os.Exit(1)
	}
	fmt.Printf("kubeschema: %d schemas from %s (api/openapi-spec/v3) and %s (config/crd/bases)\n", n, kubernetesModule, cnpgModule)
}

// write downloads the pinned modules and writes one schema file per kind and version into dir.
func write(dir string) (int, error) {
	dirs, err := download(kubernetesModule, cnpgModule)
	if err != nil {
		return 0, err
	}
	files, err := fromOpenAPI(filepath.Join(dirs[kubernetesModule], "api", "openapi-spec", "v3"))
	if err != nil {
		return 0, err
	}
	crds, err := fromCRDs(filepath.Join(dirs[cnpgModule], "config", "crd", "bases"), files.defs)
	if err != nil {
		return 0, err
	}
	for name, s := range crds {
		if _, ok := files.schemas[name]; ok {
			return 0, fmt.Errorf("%s: a built-in kind has the same file name", name)
		}
		files.schemas[name] = s
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	for name, s := range files.schemas {
		b, err := json.Marshal(s)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return 0, err
		}
	}
	return len(files.schemas), nil
}

// downloadError is a module the Go command could not download (no network, the proxy refused it).
type downloadError struct{ Module, Err string }

func (e *downloadError) Error() string { return "go mod download " + e.Module + ": " + e.Err }

// download fetches modules (path@version) through the Go command, which verifies them against
// go.sum's checksum database, and returns the directory each was extracted to.
func download(modules ...string) (map[string]string, error) {
	cmd := exec.Command("go", append([]string{"mod", "download", "-json"}, modules...)...)
	cmd.Dir = os.TempDir() // outside any module: nothing is added to Crossover's go.mod or go.sum
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	dirs := map[string]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var m struct{ Path, Version, Dir, Error string }
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go mod download: %v: %s", err, stderr.String())
		}
		mod := m.Path + "@" + m.Version
		if m.Error != "" {
			return nil, &downloadError{Module: mod, Err: m.Error}
		}
		dirs[mod] = m.Dir
	}
	for _, mod := range modules {
		if dirs[mod] == "" {
			msg := strings.TrimSpace(stderr.String())
			if runErr != nil {
				msg += " (" + runErr.Error() + ")"
			}
			return nil, &downloadError{Module: mod, Err: msg}
		}
	}
	return dirs, nil
}

type schema = map[string]any

type openAPI struct {
	schemas map[string]schema // file name -> schema document
	defs    map[string]schema // components/schemas of every group, by name
}

// fromOpenAPI makes a schema document for each kind (x-kubernetes-group-version-kind) in the
// OpenAPI v3 documents in dir: the kind's schema with the definitions it refers to.
func fromOpenAPI(dir string) (openAPI, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*_openapi.json"))
	if err != nil || len(paths) == 0 {
		return openAPI{}, fmt.Errorf("no OpenAPI v3 documents in %s (%v)", dir, err)
	}
	res := openAPI{schemas: map[string]schema{}, defs: map[string]schema{}}
	from := map[string]string{} // file name -> component name
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return openAPI{}, err
		}
		var doc struct {
			Components struct{ Schemas map[string]schema }
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return openAPI{}, fmt.Errorf("%s: %w", p, err)
		}
		defs := doc.Components.Schemas
		for name, s := range defs {
			res.defs[name] = s
		}
		for name, s := range defs {
			gvks, _ := s["x-kubernetes-group-version-kind"].([]any)
			for _, g := range gvks {
				g, _ := g.(map[string]any)
				group, _ := g["group"].(string)
				version, _ := g["version"].(string)
				kind, _ := g["kind"].(string)
				apiVersion := version
				if group != "" {
					apiVersion = group + "/" + version
				}
				file := fileName(kind, apiVersion)
				if prev, ok := from[file]; ok {
					if prev != name {
						return openAPI{}, fmt.Errorf("%s: both %s and %s", file, prev, name)
					}
					continue
				}
				from[file] = name
				root := convert(s)
				setKind(root, kind, apiVersion)
				res.schemas[file] = withDefinitions(root, defs)
			}
		}
	}
	return res, nil
}

// fromCRDs makes a schema document for each served version of each CustomResourceDefinition in
// dir. The API server checks a custom resource's metadata as the ObjectMeta of every kind, which
// the CRD's own schema leaves open, so metadata refers to the built-in ObjectMeta here too.
func fromCRDs(dir string, defs map[string]schema) (map[string]schema, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("no CRDs in %s (%v)", dir, err)
	}
	const objectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
	if defs[objectMeta] == nil {
		return nil, errors.New("the Kubernetes OpenAPI has no " + objectMeta)
	}
	res := map[string]schema{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(f)
		for {
			var crd struct {
				Kind string
				Spec struct {
					Group    string
					Names    struct{ Kind string }
					Versions []struct {
						Name   string
						Served bool
						Schema struct {
							OpenAPIV3Schema schema `yaml:"openAPIV3Schema"`
						}
					}
				}
			}
			if err := dec.Decode(&crd); err == io.EOF {
				break
			} else if err != nil {
				f.Close()
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			if crd.Kind != "CustomResourceDefinition" {
				continue
			}
			for _, v := range crd.Spec.Versions {
				if !v.Served || v.Schema.OpenAPIV3Schema == nil {
					continue
				}
				apiVersion := crd.Spec.Group + "/" + v.Name
				root := convert(v.Schema.OpenAPIV3Schema)
				props, _ := root["properties"].(schema)
				if props == nil {
					f.Close()
					return nil, fmt.Errorf("%s %s: no properties", p, apiVersion)
				}
				props["metadata"] = schema{"$ref": "#/definitions/" + objectMeta}
				setKind(root, crd.Spec.Names.Kind, apiVersion)
				res[fileName(crd.Spec.Names.Kind, apiVersion)] = withDefinitions(root, defs)
			}
		}
		f.Close()
	}
	return res, nil
}

// fileName is kubeconform's name for a kind's schema: {{ .ResourceKind }}{{ .KindSuffix }}.json,
// e.g. deployment-apps-v1.json, service-v1.json, cluster-postgresql-v1.json.
func fileName(kind, apiVersion string) string {
	group, version, ok := strings.Cut(apiVersion, "/")
	first, _, _ := strings.Cut(group, ".")
	suffix := "-" + strings.ToLower(first)
	if ok {
		suffix += "-" + strings.ToLower(version)
	}
	return strings.ToLower(kind) + suffix + ".json"
}

// setKind lets kind and apiVersion take only the values of the document's own kind.
func setKind(root schema, kind, apiVersion string) {
	props, _ := root["properties"].(schema)
	if props == nil {
		return
	}
	for field, value := range map[string]string{"kind": kind, "apiVersion": apiVersion} {
		if _, ok := props[field]; ok {
			props[field] = schema{"type": "string", "enum": []any{value}}
		}
	}
}

// withDefinitions adds to root, as "definitions", every component it refers to, directly or not.
func withDefinitions(root schema, defs map[string]schema) schema {
	used := map[string]schema{}
	var visit func(any)
	visit = func(n any) {
		switch n := n.(type) {
		case map[string]any:
			if ref, ok := n["$ref"].(string); ok {
				name := strings.TrimPrefix(ref, "#/definitions/")
				if _, seen := used[name]; !seen && defs[name] != nil {
					used[name] = convert(defs[name])
					visit(used[name])
				}
			}
			for _, v := range n {
				visit(v)
			}
		case []any:
			for _, v := range n {
				visit(v)
			}
		}
	}
	visit(root)
	root["$schema"] = "http://json-schema.org/draft-04/schema#"
	if len(used) > 0 {
		root["definitions"] = used
	}
	return root
}

// convert turns an OpenAPI v3 schema (a component or a CRD's openAPIV3Schema) into a JSON Schema
// (draft 4, kubeconform's default) as the API server applies it, strictly:
//   - "#/components/schemas/X" refers to "#/definitions/X";
//   - an object with properties rejects other fields, unless x-kubernetes-preserve-unknown-fields;
//   - x-kubernetes-int-or-string accepts an integer or a string; nullable accepts null;
//   - descriptions are left out (they do not validate anything).
//
// It copies: defaults and examples are values, not schemas, and are left as they are.
func convert(s schema) schema {
	out := schema{}
	for k, v := range s {
		switch k {
		case "description":
		case "$ref":
			ref := v.(string)
			if name, ok := strings.CutPrefix(ref, "#/components/schemas/"); ok {
				ref = "#/definitions/" + name
			}
			out[k] = ref
		case "properties", "patternProperties", "definitions":
			m := schema{}
			for name, sub := range v.(map[string]any) {
				m[name] = convertAny(sub)
			}
			out[k] = m
		case "items", "additionalProperties", "not":
			out[k] = convertAny(v)
		case "allOf", "anyOf", "oneOf":
			var l []any
			for _, sub := range v.([]any) {
				l = append(l, convertAny(sub))
			}
			out[k] = l
		default:
			out[k] = v
		}
	}
	if out["x-kubernetes-int-or-string"] == true {
		delete(out, "type")
		if out["anyOf"] == nil && out["oneOf"] == nil {
			out["anyOf"] = []any{schema{"type": "integer"}, schema{"type": "string"}}
		}
	}
	if out["nullable"] == true {
		switch t := out["type"].(type) {
		case string:
			out["type"] = []any{t, "null"}
		case []any:
			if !slices.Contains(t, any("null")) {
				out["type"] = append(t, "null")
			}
		}
	}
	if out["properties"] != nil && out["additionalProperties"] == nil && out["x-kubernetes-preserve-unknown-fields"] != true {
		out["additionalProperties"] = false
	}
	return out
}

// convertAny converts a schema, or a list of schemas (items in a tuple), and keeps booleans.
func convertAny(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return convert(v)
	case []any:
		l := make([]any, len(v))
		for i, sub := range v {
			l[i] = convertAny(sub)
		}
		return l
	}
	return v
}
