{{/* Labels of the gateway's objects. */}}
{{- define "shop.gatewayLabels" -}}
{{ include "shop.commonLabels" . }}
app.kubernetes.io/name: gateway
app.kubernetes.io/component: gateway
{{- end -}}

{{/* The Ingress routes of the gateway: the platform's own endpoints, and every path no service owns. */}}
{{- define "shop.gatewayRoutes" -}}
{{- $routes := list -}}
{{- if .Values.gateway.enabled -}}
{{- $routes = append $routes (dict "path" "/docs" "pathType" "Prefix" "service" "gateway") -}}
{{- $routes = append $routes (dict "path" "/healthz" "pathType" "Exact" "service" "gateway") -}}
{{- $routes = append $routes (dict "path" "/readyz" "pathType" "Exact" "service" "gateway") -}}
{{- /* The longest match wins, so this takes only what no other rule does: the gateway answers a problem+json 404
(and /metrics, which it keeps for its operations port, is one of those). */}}
{{- $routes = append $routes (dict "path" "/" "pathType" "Prefix" "service" "gateway") -}}
{{- end -}}
{{- toJson $routes -}}
{{- end -}}
