// Package deploy holds the deployment files of Crossover (Dockerfile, compose.yaml, k8s/) and the
// test that checks them without a Docker engine or a cluster. It has no code of its own and must not
// be imported; deploy/loadtest is the HTTP load generator, deploy/kubeschema writes the schemas
// kubeconform checks deploy/k8s against.
package deploy
