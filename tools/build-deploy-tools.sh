#!/usr/bin/env bash
# Prints (as JSON) where the offline deployment-check tools are, building them from Go modules when
# missing: helm, kubeconform, tools/deploy-check, and the JSON schemas kubeconform validates against
# (Kubernetes' from the OpenAPI document of k8s.io/kubernetes, Dapr's and the Prometheus Operator's
# ServiceMonitor and PrometheusRule from their CustomResourceDefinitions). Nothing here downloads a binary: every piece comes through
# the Go module proxy.
#
# The result lives outside git in $SHOP_CACHE_DIR (default ~/.cache/shop-platform), keyed by a hash of
# this script (which pins every version) and of tools/deploy-check, like the slim daprd.
set -euo pipefail

helm_version="v3.22.0"
kubeconform_version="v0.8.0"
# The Kubernetes release whose API the manifests are checked against; helm renders for it too.
kubernetes_version="1.36.3"
dapr_version="v1.18.3"
prometheus_operator_version="v0.85.0"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
checker="$here/deploy-check"
cache_dir="${SHOP_CACHE_DIR:-$HOME/.cache/shop-platform}"

log() { echo "build-deploy-tools: $*" >&2; }

key="$( (cat "${BASH_SOURCE[0]}"; cd "$checker" && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16)"
out="$cache_dir/deploy-tools-$key"
if [[ -f "$out/tools.json" ]]; then cat "$out/tools.json"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  log "Go >= 1.26.8 is needed to build helm, kubeconform and deploy-check for the deployment checks. Install Go from https://go.dev/dl (the Go module proxy must be reachable), then run: bash tools/build-deploy-tools.sh"
  exit 1
fi

mkdir -p "$cache_dir"
# One build at a time: ensure-test-tools and a jest run may ask together.
exec 9>"$cache_dir/deploy-tools.lock"
flock 9
if [[ -f "$out/tools.json" ]]; then cat "$out/tools.json"; exit 0; fi

export GOTOOLCHAIN=local CGO_ENABLED=0
started=$SECONDS
work="$out.partial"
rm -rf "$work"
mkdir -p "$work/bin"
log "building helm $helm_version, kubeconform $kubeconform_version and deploy-check into $out (a cold build takes a few minutes)"

kube_minor="$(echo "$kubernetes_version" | cut -d. -f2)"
GOBIN="$work/bin" go install -trimpath -ldflags "-s -w \
  -X helm.sh/helm/v3/internal/version.version=$helm_version \
  -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$kube_minor \
  -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$kube_minor" \
  "helm.sh/helm/v3/cmd/helm@$helm_version"
GOBIN="$work/bin" go install -trimpath -ldflags "-s -w -X main.version=$kubeconform_version" \
  "github.com/yannh/kubeconform/cmd/kubeconform@$kubeconform_version"
(cd "$checker" && GOFLAGS="${GOFLAGS:-} -mod=mod" go build -trimpath -ldflags "-s -w" -o "$work/bin/deploy-check" .)

module_dir() {
  go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}
kubernetes_dir="$(module_dir "k8s.io/kubernetes@v$kubernetes_version")"
dapr_dir="$(module_dir "github.com/dapr/dapr@$dapr_version")"
prometheus_dir="$(module_dir "github.com/prometheus-operator/prometheus-operator@$prometheus_operator_version")"
"$work/bin/deploy-check" schemas \
  --swagger "$kubernetes_dir/api/openapi-spec/swagger.json" \
  --out "$work/schemas" \
  "$dapr_dir"/charts/dapr/crds/{components,configuration,resiliency,subscription,httpendpoints}.yaml \
  "$prometheus_dir"/example/prometheus-operator-crd/monitoring.coreos.com_{servicemonitors,prometheusrules}.yaml >/dev/null

cat >"$work/tools.json" <<EOF
{
  "helm": "$out/bin/helm",
  "kubeconform": "$out/bin/kubeconform",
  "deployCheck": "$out/bin/deploy-check",
  "schemas": "$out/schemas",
  "kubernetesVersion": "$kubernetes_version",
  "versions": {"helm": "$helm_version", "kubeconform": "$kubeconform_version", "dapr": "$dapr_version", "prometheusOperator": "$prometheus_operator_version"},
  "builtInSeconds": $((SECONDS - started))
}
EOF
rm -rf "$out"
mv "$work" "$out"
log "built in $((SECONDS - started)) s"
cat "$out/tools.json"
