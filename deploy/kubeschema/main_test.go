package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestKubeconform runs kubeconform strictly on deploy/k8s against the schemas write makes: every
// manifest but the Kustomization is valid, and copies broken on purpose are not. It is skipped
// only when the pinned modules cannot be downloaded; `make deploy-check` then fails instead.
func TestKubeconform(t *testing.T) {
	schemas := t.TempDir()
	if _, err := write(schemas); err != nil {
		if de := (*downloadError)(nil); errors.As(err, &de) {
			t.Skipf("no schemas: the Go module proxy does not serve the pinned module here: %v", err)
		}
		t.Fatal(err)
	}
	bin := t.TempDir()
	install := exec.Command("go", "install", kubeconformCmd)
	install.Dir = os.TempDir()
	install.Env = append(os.Environ(), "GOBIN="+bin, "GOWORK=off")
	if out, err := install.CombinedOutput(); err != nil {
		if strings.Contains(string(out), "dial tcp") || strings.Contains(string(out), "reading https://") {
			t.Skipf("kubeconform cannot be downloaded here: %s", out)
		}
		t.Fatalf("go install %s: %v\n%s", kubeconformCmd, err, out)
	}
	kubeconform := func(t *testing.T, paths ...string) map[string]result {
		t.Helper()
		args := append([]string{"-strict", "-verbose", "-output", "json", "-skip", "Kustomization",
			"-schema-location", schemaLocation(schemas)}, paths...)
		out, _ := exec.Command(filepath.Join(bin, "kubeconform"), args...).Output() // exit 1 when a resource is invalid
		var res struct{ Resources []result }
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("kubeconform %v: %v\n%s", args, err, out)
		}
		byFile := map[string]result{}
		for _, r := range res.Resources {
			byFile[filepath.Base(r.Filename)] = r
		}
		return byFile
	}

	t.Run("manifests", func(t *testing.T) {
		got := kubeconform(t, "../k8s")
		kinds := map[string]bool{}
		for file, r := range got {
			want := "statusValid"
			if r.Kind == "Kustomization" {
				want = "statusSkipped"
			}
			if r.Status != want {
				t.Errorf("%s: %s %s: %s %s, want %s", file, r.Version, r.Kind, r.Status, r.Msg, want)
			}
			kinds[r.Version+" "+r.Kind] = true
		}
		for _, k := range []string{"apps/v1 Deployment", "v1 Service", "autoscaling/v2 HorizontalPodAutoscaler",
			"policy/v1 PodDisruptionBudget", "networking.k8s.io/v1 NetworkPolicy", "v1 Secret", "batch/v1 Job",
			"postgresql.cnpg.io/v1 Cluster"} {
			if !kinds[k] {
				t.Errorf("no %s in deploy/k8s was validated", k)
			}
		}
	})

	// Each case changes one line of a real manifest; "" as want is a valid resource.
	cases := []struct {
		name, file, old, new, status, want string
	}{
		{"misspelled field", "deployment.yaml", "\n  replicas: 3\n", "\n  replicass: 3\n",
			"statusInvalid", "at '/spec': additional properties 'replicass' not allowed"},
		{"wrong type", "deployment.yaml", "\n  replicas: 3\n", "\n  replicas: \"three\"\n",
			"statusInvalid", "at '/spec/replicas': got string, want integer"},
		{"misspelled field deep in the pod template", "deployment.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true",
			"statusInvalid", "additional properties 'readOnlyRootFileSystem' not allowed"},
		{"int-or-string takes a string", "deployment.yaml", "maxSurge: 1", "maxSurge: 25%",
			"statusValid", ""},
		{"int-or-string takes an int", "service.yaml", "targetPort: http", "targetPort: 8080",
			"statusValid", ""},
		{"int-or-string takes nothing else", "pdb.yaml", "minAvailable: 2", "minAvailable: true",
			"statusInvalid", "at '/spec/minAvailable'"},
		{"unknown field in the CloudNativePG Cluster spec", "postgres-cluster.yaml", "\n  instances: 3\n", "\n  instances: 3\n  replicas: 3\n",
			"statusInvalid", "at '/spec': additional properties 'replicas' not allowed"},
		{"wrong type in the CloudNativePG Cluster spec", "postgres-cluster.yaml", "\n  instances: 3\n", "\n  instances: \"3\"\n",
			"statusInvalid", "at '/spec/instances': got string, want integer"},
		{"CloudNativePG quantity as an int", "postgres-cluster.yaml", "cpu: 500m", "cpu: 1",
			"statusValid", ""},
		{"CloudNativePG quantity that is none", "postgres-cluster.yaml", "cpu: 500m", "cpu: half",
			"statusInvalid", "at '/spec/resources/requests/cpu': 'half' does not match pattern"},
		{"CloudNativePG Cluster metadata is ObjectMeta", "postgres-cluster.yaml", "crossover-db\n  labels:", "crossover-db\n  labelz:",
			"statusInvalid", "at '/metadata': additional properties 'labelz' not allowed"},
		{"apiVersion without a schema", "hpa.yaml", "autoscaling/v2\n", "autoscaling/v2beta2\n",
			"statusError", "could not find schema for HorizontalPodAutoscaler"},
		{"kind of another group", "networkpolicy.yaml", "networking.k8s.io/v1\n", "extensions/v1beta1\n",
			"statusError", "could not find schema for NetworkPolicy"},
	}
	dir := t.TempDir()
	for i, c := range cases {
		b, err := os.ReadFile(filepath.Join("..", "k8s", c.file))
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(b), c.old); n != 1 {
			t.Fatalf("%s: %q is in %s %d times, want once: update the case", c.name, c.old, c.file, n)
		}
		b = []byte(strings.Replace(string(b), c.old, c.new, 1))
		if err := os.WriteFile(filepath.Join(dir, caseFile(i)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := kubeconform(t, dir)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, ok := got[caseFile(i)]
			if !ok {
				t.Fatalf("kubeconform said nothing of %s", c.file)
			}
			if r.Status != c.status || !strings.Contains(r.Msg, c.want) {
				t.Errorf("%s with %q: %s %q, want %s %q", c.file, c.new, r.Status, r.Msg, c.status, c.want)
			}
			t.Logf("%s: %s %s", r.Status, r.Kind, r.Msg)
		})
	}
}

type result struct{ Filename, Kind, Version, Status, Msg string }

func caseFile(i int) string { return "case" + string(rune('a'+i)) + ".yaml" }
