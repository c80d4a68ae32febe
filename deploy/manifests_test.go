package deploy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// No Docker engine and no cluster run where the tests run; deploy/kubeschema checks the manifests
// against the API's schemas with kubeconform. This test checks what the deployment depends on beyond
// them: every manifest parses, carries the fields Kubernetes requires, and agrees with the others
// and with the binary (probe paths, the port, secret names, labels, replica counts, a non-root
// read-only container).

type obj = map[string]any

func get(o any, path ...string) any {
	for _, p := range path {
		m, ok := o.(obj)
		if !ok {
			return nil
		}
		o = m[p]
	}
	return o
}

func str(o any, path ...string) string { s, _ := get(o, path...).(string); return s }

func list(o any, path ...string) []any { l, _ := get(o, path...).([]any); return l }

func num(o any, path ...string) int {
	switch v := get(o, path...).(type) {
	case int:
		return v
	}
	return -1
}

func yes(o any, path ...string) bool { b, _ := get(o, path...).(bool); return b }

func decodeAll(t *testing.T, path string) []obj {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var docs []obj
	for {
		var d obj
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if d != nil {
			docs = append(docs, d)
		}
	}
	return docs
}

// apiVersions are the versions current Kubernetes (≥ 1.30) and CloudNativePG serve for each kind.
var apiVersions = map[string]string{
	"Deployment": "apps/v1", "Service": "v1", "Secret": "v1", "PodDisruptionBudget": "policy/v1",
	"HorizontalPodAutoscaler": "autoscaling/v2", "NetworkPolicy": "networking.k8s.io/v1", "Job": "batch/v1",
	"Cluster": "postgresql.cnpg.io/v1", "Kustomization": "kustomize.config.k8s.io/v1beta1",
}

var dns1123 = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

func loadK8s(t *testing.T) (map[string]obj, map[string]string) {
	files, err := filepath.Glob("k8s/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in k8s/: %v", err)
	}
	byKind := map[string]obj{}
	fileOf := map[string]string{}
	for _, f := range files {
		for _, d := range decodeAll(t, f) {
			kind := str(d, "kind")
			want, known := apiVersions[kind]
			switch {
			case !known:
				t.Errorf("%s: kind %q is not one this test knows", f, kind)
				continue
			case str(d, "apiVersion") != want:
				t.Errorf("%s: %s has apiVersion %q, want %q", f, kind, str(d, "apiVersion"), want)
			}
			if kind != "Kustomization" {
				name := str(d, "metadata", "name")
				if !dns1123.MatchString(name) || len(name) > 63 {
					t.Errorf("%s: %s metadata.name %q is not a DNS-1123 label", f, kind, name)
				}
			}
			if _, dup := byKind[kind]; dup {
				t.Errorf("%s: a second %s (the checks below expect one of each)", f, kind)
			}
			byKind[kind], fileOf[kind] = d, filepath.Base(f)
		}
	}
	for kind := range apiVersions {
		if byKind[kind] == nil {
			t.Errorf("no %s in k8s/", kind)
		}
	}
	return byKind, fileOf
}

func labelsMatch(selector, labels any) bool {
	sel, _ := selector.(obj)
	lab, _ := labels.(obj)
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if lab[k] != v {
			return false
		}
	}
	return true
}

func checkContainer(t *testing.T, where string, c any) {
	if !yes(c, "securityContext", "readOnlyRootFilesystem") {
		t.Errorf("%s: readOnlyRootFilesystem is not true", where)
	}
	if v, ok := get(c, "securityContext", "allowPrivilegeEscalation").(bool); !ok || v {
		t.Errorf("%s: allowPrivilegeEscalation is not false", where)
	}
	if !slices.Contains(list(c, "securityContext", "capabilities", "drop"), any("ALL")) {
		t.Errorf("%s: capabilities are not all dropped", where)
	}
	if get(c, "resources", "requests", "cpu") == nil || get(c, "resources", "requests", "memory") == nil || get(c, "resources", "limits", "memory") == nil {
		t.Errorf("%s: resources need cpu and memory requests and a memory limit", where)
	}
}

func checkPodNonRoot(t *testing.T, where string, pod any) {
	if !yes(pod, "securityContext", "runAsNonRoot") || num(pod, "securityContext", "runAsUser") < 1 {
		t.Errorf("%s: the pod must run as a non-root user (runAsNonRoot, runAsUser > 0)", where)
	}
}

// envFromSecrets lists the secrets a container's env refers to.
func envFromSecrets(c any) map[string]string {
	out := map[string]string{}
	for _, e := range list(c, "env") {
		if n := str(e, "valueFrom", "secretKeyRef", "name"); n != "" {
			out[str(e, "name")] = n
		}
	}
	return out
}

func TestKubernetesManifests(t *testing.T) {
	k, _ := loadK8s(t)
	dep, cluster := k["Deployment"], k["Cluster"]
	if dep == nil || cluster == nil {
		t.FailNow()
	}
	if n := num(dep, "spec", "replicas"); n != 3 {
		t.Errorf("Deployment replicas = %d, want 3", n)
	}
	if n := num(cluster, "spec", "instances"); n != 3 {
		t.Errorf("CloudNativePG Cluster instances = %d, want 3", n)
	}
	podLabels := get(dep, "spec", "template", "metadata", "labels")
	if !labelsMatch(get(dep, "spec", "selector", "matchLabels"), podLabels) {
		t.Error("Deployment selector does not match its pod template labels")
	}
	pod := get(dep, "spec", "template", "spec")
	checkPodNonRoot(t, "Deployment", pod)
	containers := list(pod, "containers")
	if len(containers) != 1 {
		t.Fatalf("Deployment has %d containers, want 1", len(containers))
	}
	c := containers[0]
	checkContainer(t, "Deployment container", c)
	if a := list(c, "args"); len(a) == 0 || a[0] != "serve" {
		t.Errorf("Deployment container args %v, want [serve]", a)
	}
	ports := map[string]int{}
	for _, p := range list(c, "ports") {
		ports[str(p, "name")] = num(p, "containerPort")
	}
	env := map[string]string{}
	for _, e := range list(c, "env") {
		env[str(e, "name")] = str(e, "value")
	}
	if env["CROSSOVER_ADDR"] != fmt.Sprintf(":%d", ports["http"]) {
		t.Errorf("CROSSOVER_ADDR %q does not listen on the http containerPort %d", env["CROSSOVER_ADDR"], ports["http"])
	}
	for probe, path := range map[string]string{"readinessProbe": "/readyz", "livenessProbe": "/healthz", "startupProbe": "/readyz"} {
		if got := str(c, probe, "httpGet", "path"); got != path {
			t.Errorf("%s path %q, want %q", probe, got, path)
		}
		if p := get(c, probe, "httpGet", "port"); p != "http" && p != ports["http"] {
			t.Errorf("%s port %v is not the http port", probe, p)
		}
	}
	// Secrets: the JWT key from our Secret, the database URL from the secret CloudNativePG writes.
	secretName := str(k["Secret"], "metadata", "name")
	dbSecret := str(cluster, "metadata", "name") + "-app"
	refs := envFromSecrets(c)
	if refs["CROSSOVER_JWT_SECRET"] != secretName {
		t.Errorf("CROSSOVER_JWT_SECRET comes from %q, want the Secret %q", refs["CROSSOVER_JWT_SECRET"], secretName)
	}
	if refs["DATABASE_URL"] != dbSecret {
		t.Errorf("DATABASE_URL comes from %q, want CloudNativePG's %q", refs["DATABASE_URL"], dbSecret)
	}
	if v := str(k["Secret"], "stringData", "CROSSOVER_JWT_SECRET"); len(v) >= 32 {
		t.Error("the committed Secret holds something that looks like a real key: keep the placeholder")
	}
	// Every volume mount names a volume.
	vols := map[string]bool{}
	for _, v := range list(pod, "volumes") {
		vols[str(v, "name")] = true
	}
	for _, m := range list(c, "volumeMounts") {
		if !vols[str(m, "name")] {
			t.Errorf("volumeMount %q has no volume", str(m, "name"))
		}
	}
	if grace := num(pod, "terminationGracePeriodSeconds"); grace < 25 {
		t.Errorf("terminationGracePeriodSeconds %d is shorter than the 20 s shutdown deadline plus preStop", grace)
	}

	svc := k["Service"]
	if !labelsMatch(get(svc, "spec", "selector"), podLabels) {
		t.Error("Service selector does not match the pods")
	}
	for _, p := range list(svc, "spec", "ports") {
		if tp := get(p, "targetPort"); tp != "http" && tp != ports["http"] {
			t.Errorf("Service targetPort %v is not the container's http port", tp)
		}
	}
	pdb := k["PodDisruptionBudget"]
	if !labelsMatch(get(pdb, "spec", "selector", "matchLabels"), podLabels) {
		t.Error("PodDisruptionBudget selector does not match the pods")
	}
	if m := num(pdb, "spec", "minAvailable"); m < 1 || m >= num(dep, "spec", "replicas") {
		t.Errorf("PodDisruptionBudget minAvailable %d must be ≥ 1 and below the replica count", m)
	}
	hpa := k["HorizontalPodAutoscaler"]
	if str(hpa, "spec", "scaleTargetRef", "kind") != "Deployment" || str(hpa, "spec", "scaleTargetRef", "name") != str(dep, "metadata", "name") {
		t.Error("HorizontalPodAutoscaler does not target the Deployment")
	}
	if num(hpa, "spec", "minReplicas") < 3 || num(hpa, "spec", "maxReplicas") < num(hpa, "spec", "minReplicas") {
		t.Error("HorizontalPodAutoscaler must keep at least 3 replicas")
	}
	np := k["NetworkPolicy"]
	if !labelsMatch(get(np, "spec", "podSelector", "matchLabels"), podLabels) {
		t.Error("NetworkPolicy does not select the pods")
	}
	dbReachable := false
	for _, e := range list(np, "spec", "egress") {
		for _, to := range list(e, "to") {
			if str(to, "podSelector", "matchLabels", "cnpg.io/cluster") == str(cluster, "metadata", "name") {
				dbReachable = true
			}
		}
	}
	if !dbReachable {
		t.Error("NetworkPolicy egress does not allow the CloudNativePG cluster")
	}

	job := k["Job"]
	jpod := get(job, "spec", "template", "spec")
	if str(jpod, "restartPolicy") != "Never" && str(jpod, "restartPolicy") != "OnFailure" {
		t.Error("migration Job restartPolicy must be Never or OnFailure")
	}
	checkPodNonRoot(t, "migration Job", jpod)
	var steps [][]any
	for _, part := range []string{"initContainers", "containers"} {
		for _, jc := range list(jpod, part) {
			checkContainer(t, "migration Job container "+str(jc, "name"), jc)
			if envFromSecrets(jc)["DATABASE_URL"] != dbSecret {
				t.Errorf("migration Job container %s: DATABASE_URL does not come from %q", str(jc, "name"), dbSecret)
			}
			steps = append(steps, list(jc, "args"))
		}
	}
	if len(steps) != 2 || fmt.Sprint(steps[0]) != "[migrate up]" || fmt.Sprint(steps[1]) != "[seed]" {
		t.Errorf("migration Job runs %v, want [migrate up] then [seed]", steps)
	}
	if img := str(list(jpod, "containers")[0], "image"); img != str(c, "image") {
		t.Errorf("migration Job image %q differs from the Deployment's %q", img, str(c, "image"))
	}
}

func TestKustomizationListsTheManifests(t *testing.T) {
	k, fileOf := loadK8s(t)
	listed := map[string]bool{}
	for _, r := range list(k["Kustomization"], "resources") {
		name, _ := r.(string)
		if _, err := os.Stat(filepath.Join("k8s", name)); err != nil {
			t.Errorf("kustomization.yaml lists %s: %v", name, err)
		}
		listed[name] = true
	}
	for kind, f := range fileOf {
		// The Job runs before the rollout, on its own; the kustomization is not a resource.
		if kind == "Job" || kind == "Kustomization" {
			if listed[f] {
				t.Errorf("kustomization.yaml must not list %s", f)
			}
			continue
		}
		if !listed[f] {
			t.Errorf("kustomization.yaml does not list %s (%s)", f, kind)
		}
	}
}

func TestCompose(t *testing.T) {
	docs := decodeAll(t, "compose.yaml")
	if len(docs) != 1 {
		t.Fatalf("compose.yaml holds %d documents", len(docs))
	}
	svcs, _ := get(docs[0], "services").(obj)
	for _, name := range []string{"postgres", "migrate", "seed", "crossover"} {
		if svcs[name] == nil {
			t.Fatalf("no service %q", name)
		}
	}
	pg := svcs["postgres"]
	if img := str(pg, "image"); !strings.HasPrefix(img, "postgres:16") {
		t.Errorf("postgres image %q, want postgres:16", img)
	}
	if vols := list(pg, "volumes"); len(vols) == 0 || !strings.HasSuffix(fmt.Sprint(vols[0]), ":/var/lib/postgresql/data") {
		t.Errorf("postgres keeps its data in no volume: %v", vols)
	}
	if get(docs[0], "volumes", "pgdata") == nil && get(docs[0], "volumes") == nil {
		t.Error("the named volume is not declared")
	}
	if len(list(pg, "healthcheck", "test")) == 0 {
		t.Error("postgres has no healthcheck")
	}
	dependsOn := func(svc, on, cond string) {
		if got := str(svcs[svc], "depends_on", on, "condition"); got != cond {
			t.Errorf("%s depends on %s with %q, want %q", svc, on, got, cond)
		}
	}
	dependsOn("migrate", "postgres", "service_healthy")
	dependsOn("seed", "migrate", "service_completed_successfully")
	dependsOn("crossover", "seed", "service_completed_successfully")
	for name, want := range map[string]string{"migrate": "[migrate up]", "seed": "[seed]", "crossover": "[serve]"} {
		s := svcs[name]
		if got := fmt.Sprint(list(s, "command")); got != want {
			t.Errorf("%s runs %s, want %s", name, got, want)
		}
		if !yes(s, "read_only") {
			t.Errorf("%s: root filesystem is not read-only", name)
		}
		if u := str(s, "user"); u == "" || strings.HasPrefix(u, "0") || u == "root" {
			t.Errorf("%s: user %q is not a non-root uid", name, u)
		}
		if db := str(s, "environment", "DATABASE_URL"); !strings.HasPrefix(db, "postgres://") || !strings.Contains(db, "@postgres:5432/") {
			t.Errorf("%s: DATABASE_URL %q does not point at the postgres service", name, db)
		}
		if str(s, "environment", "CROSSOVER_JWT_SECRET") == "" {
			t.Errorf("%s: no CROSSOVER_JWT_SECRET", name)
		}
		if str(s, "build", "dockerfile") != "deploy/Dockerfile" {
			t.Errorf("%s: not built from deploy/Dockerfile", name)
		}
	}
	hc := fmt.Sprint(list(svcs["crossover"], "healthcheck", "test"))
	if !strings.Contains(hc, "crossover healthcheck") {
		t.Errorf("crossover healthcheck %s does not run `crossover healthcheck`", hc)
	}
	// Every ${VAR} compose reads is documented in .env.example.
	b, _ := os.ReadFile("compose.yaml")
	ex, err := os.ReadFile(".env.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`\$\{([A-Z_]+)`).FindAllStringSubmatch(string(b), -1) {
		if !regexp.MustCompile(`(?m)^#? ?` + m[1] + `=`).Match(ex) {
			t.Errorf("compose.yaml reads %s, which .env.example does not mention", m[1])
		}
	}
}

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var froms, lines []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		lines = append(lines, l)
		if f, ok := strings.CutPrefix(l, "FROM "); ok {
			froms = append(froms, strings.Fields(f)[0])
		}
	}
	want := []string{"node:20", "golang:1.26", "gcr.io/distroless/static-debian12:nonroot"}
	if len(froms) != len(want) {
		t.Fatalf("stages %v, want %v", froms, want)
	}
	for i, w := range want {
		if !strings.HasPrefix(froms[i], w) {
			t.Errorf("stage %d is %s, want %s", i, froms[i], w)
		}
	}
	text := strings.Join(lines, "\n")
	for _, must := range []string{"npm ci", "npm run build", "CGO_ENABLED=0", "USER 65532", `VOLUME ["/data"]`,
		`HEALTHCHECK`, `"healthcheck"]`, `CROSSOVER_DATA_DIR=/data`} {
		if !strings.Contains(text, must) {
			t.Errorf("Dockerfile lacks %q", must)
		}
	}
	// Every file the build copies from the context exists in the repository.
	for _, m := range regexp.MustCompile(`(?m)^COPY (?:--chown=\S+ )?((?:\S+ )+)\S+$`).FindAllStringSubmatch(text, -1) {
		if strings.Contains(m[0], "--from=") {
			continue // from another stage, not the context
		}
		for _, src := range strings.Fields(m[1]) {
			if _, err := os.Stat(filepath.Join("..", src)); err != nil {
				t.Errorf("COPY %s: %v", src, err)
			}
		}
	}
	if _, err := os.Stat("Dockerfile.dockerignore"); err != nil {
		t.Error("no Dockerfile.dockerignore: node_modules and data would enter the build context")
	}
}
