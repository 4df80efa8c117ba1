#!/bin/sh
# `shipdeck plan` on 200 objects (100 ConfigMaps, 100 Deployments) against the local control
# plane, right after they were applied the way a sync applies them: prints the median wall time
# of 7 runs and the number of API calls one run makes (counted from kube-client's own log).
#
# Needs the local control plane (`cargo xtask cluster up`) and a built CLI
# (`cargo build -p shipdeck-cli`, or `--release` and SHIPDECK_BIN pointing at it).
set -eu
cache=${SHIPDECK_CACHE:-$HOME/.cache/shipdeck}
bin=${SHIPDECK_BIN:-$cache/target/debug/shipdeck}
kubectl=$(ls "$cache"/k8s/*/bin/kubectl | head -1)
export KUBECONFIG="$cache/cluster/kubeconfig"
ns=bench-plan-$$
work=$(mktemp -d)
trap '"$kubectl" --context shipdeck-a delete namespace "$ns" --wait=false >/dev/null 2>&1; rm -rf "$work"' EXIT

mkdir -p "$work/app"
i=1
while [ $i -le 100 ]; do
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%s\ndata:\n  key: value-%s\n---\n' $i $i
  printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-%s\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web-%s}\n  template:\n    metadata:\n      labels: {app: web-%s}\n    spec:\n      containers:\n        - name: api\n          image: registry.example/web:1.%s\n          resources:\n            requests: {cpu: 100m, memory: 64Mi}\n---\n' $i $i $i $i
  i=$((i + 1))
done > "$work/app/all.yaml"

# Applied as a sync applies them: field manager shipdeck and the tracking annotation
# (application `app`, the last component of --path).
awk -v ns="$ns" '
  /^apiVersion:/ { api = $2 } /^kind:/ { kind = $2 }
  /^metadata:/ { print; getline; name = $2
    group = (index(api, "/") ? substr(api, 1, index(api, "/") - 1) : "")
    printf "  annotations:\n    shipdeck.dev/tracking-id: \"app:%s/%s:%s/%s\"\n", group, kind, ns, name
    print; next }
  { print }' "$work/app/all.yaml" > "$work/applied.yaml"
"$kubectl" --context shipdeck-a create namespace "$ns" >/dev/null
"$kubectl" --context shipdeck-a -n "$ns" apply --server-side --field-manager=shipdeck -f "$work/applied.yaml" >/dev/null

plan() {
  "$bin" plan --repo "$work" --path app --context shipdeck-a --namespace "$ns" --output json
}
plan >/dev/null  # warm: the first run fills no cache, but the API server's are warm after it
times=""
for _ in 1 2 3 4 5 6 7; do
  start=$(date +%s%N)
  plan >/dev/null || test $? -eq 0
  end=$(date +%s%N)
  times="$times $(( (end - start) / 1000000 ))"
done
median=$(echo $times | tr ' ' '\n' | sort -n | sed -n 4p)
calls=$(SHIPDECK_LOG=kube_client=debug plan 2>&1 >/dev/null | grep -c 'requesting')
echo "shipdeck plan, 200 objects: median ${median} ms over 7 runs (all: $(echo $times | tr ' ' '\n' | sort -n | tr '\n' ' ')ms), ${calls} API calls per run"
