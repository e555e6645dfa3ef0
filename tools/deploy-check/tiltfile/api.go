package tiltfile

// The Tilt functions the platform's Tiltfile may call, with their parameters in Tilt's order
// (docs.tilt.dev/api.html, and the helm_resource extension's README). A call with an unknown
// keyword, too many positional arguments or a missing required one fails the evaluation, as it
// fails `tilt up`.
type signature struct {
	params   []string
	required int
}

var builtinSignatures = map[string]signature{
	"docker_build": {params: []string{
		"ref", "context", "build_args", "dockerfile", "dockerfile_contents", "live_update", "match_in_env_vars",
		"ignore", "only", "entrypoint", "target", "ssh", "network", "secret", "extra_tag", "container_args",
		"cache_from", "pull", "platform", "env_vars",
	}, required: 2},
	"k8s_yaml": {params: []string{"yaml", "allow_duplicates"}, required: 1},
	"helm":     {params: []string{"paths", "name", "namespace", "values", "set", "kube_version", "skip_crds"}, required: 1},
	"k8s_resource": {params: []string{
		"workload", "new_name", "port_forwards", "extra_pod_selectors", "trigger_mode", "resource_deps", "objects",
		"auto_init", "pod_readiness", "links", "labels", "discovery_strategy",
	}},
	"local_resource": {params: []string{
		"name", "cmd", "deps", "trigger_mode", "resource_deps", "ignore", "auto_init", "serve_cmd", "cmd_bat",
		"serve_cmd_bat", "allow_parallel", "links", "tags", "env", "serve_env", "readiness_probe", "dir",
		"serve_dir", "labels",
	}, required: 1},
	"sync":               {params: []string{"local_path", "remote_path"}, required: 2},
	"run":                {params: []string{"cmd", "trigger", "echo_off"}, required: 1},
	"fall_back_on":       {params: []string{"files"}, required: 1},
	"port_forward":       {params: []string{"local_port", "container_port", "name", "link_path", "host"}, required: 1},
	"link":               {params: []string{"url", "name"}, required: 1},
	"allow_k8s_contexts": {params: []string{"contexts"}, required: 1},
	"update_settings":    {params: []string{"max_parallel_updates", "k8s_upsert_timeout_secs", "suppress_unused_image_warnings"}},
	"watch_file":         {params: []string{"file_path"}, required: 1},
	"read_yaml":          {params: []string{"path", "default"}, required: 1},
	"warn":               {params: []string{"msg"}, required: 1},
	"fail":               {params: []string{"msg"}, required: 1},
}

// The extensions the Tiltfile loads with load('ext://...'): Tilt downloads them from the
// tilt-extensions repository, which cannot be reached here, so only their signatures are checked.
var extensionSignatures = map[string]map[string]signature{
	"ext://helm_resource": {
		"helm_resource": {params: []string{
			"name", "chart", "release_name", "namespace", "image_deps", "image_keys", "flags", "image_selector",
			"labels", "resource_deps", "links", "pod_readiness", "auto_init", "deps", "update_dependencies",
		}, required: 2},
		"helm_repo": {params: []string{"name", "url", "resource_name", "labels"}, required: 2},
	},
}

// Kubernetes kinds Tilt turns into resources of their own (everything else is grouped by
// k8s_resource(objects=...) or left "uncategorized").
var workloadKinds = map[string]bool{
	"Deployment": true, "StatefulSet": true, "DaemonSet": true, "ReplicaSet": true, "Job": true, "CronJob": true, "Pod": true,
}
